/** The stream was not at the version the writer expected: reload, decide again, retry. */
export class StreamVersionConflictError extends Error {
  override readonly name = 'StreamVersionConflictError';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    /** The version found, when known (-1 when the stream was created concurrently). */
    readonly actualVersion: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** `'any'` appends whatever the stream's version; `0` requires a new stream; `n` requires version n. */
export type ExpectedVersion = number | 'any';
