import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies read as bytes and refused with 400 unless they are valid
 * UTF-8: decoding would turn each bad byte into U+FFFD, and the ledger would
 * store a value the sender never wrote without a word. Otherwise parsed as
 * fastify parses JSON (prototype poisoning refused).
 */
export function installStrictJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (!isUtf8(body)) {
      done(Object.assign(new Error('The body is not valid UTF-8.'), { statusCode: 400, code: 'INVALID_UTF8' }), undefined);
      return;
    }
    parse(request, body.toString('utf8'), done);
  });
}
