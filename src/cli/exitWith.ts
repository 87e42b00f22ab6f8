import { ConfigError } from '../config.js';

/** Runs `load`; a configuration problem ends the process with a message naming each variable. */
export function exitWith<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
