// Loaded with --import into a service under test: on exit, says whether an OpenTelemetry
// tracer provider was ever registered in the process (the API keeps it on this global).
process.on('exit', () => {
  const registered = Boolean(globalThis[Symbol.for('opentelemetry.js.api.1')]?.trace);
  process.stderr.write(`tracer provider registered: ${registered}\n`);
});
