/** What a synchronous call ends in, as one comparable string: 'ok', or 'CODE: message'. */
export function outcome(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
}
