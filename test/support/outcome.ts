/** What a synchronous call ends in, as one comparable string: 'ok', or 'CODE: message'. */
export function outcome(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
}

/** The message of the XML_INVALID error `run` throws; anything else (or nothing) fails the test. */
export function xmlInvalid(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if ((error as { code?: string }).code === 'XML_INVALID') return (error as Error).message;
    throw error;
  }
  throw new Error('expected XML_INVALID, and nothing was thrown');
}
