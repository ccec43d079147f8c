/** A setting (an environment variable, a profile entry) is missing, malformed or names a file that cannot be read. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}
