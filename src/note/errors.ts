/**
 * The one error type of the note module. Every failure of parsing, opening or
 * signing a C2SP signed note, checkpoint or tlog-proof is a NoteError whose
 * `code` is stable, so callers switch on it and tests assert it.
 */
export type NoteErrorCode =
  /** A verifier or signer key string or object is not acceptable (syntax, algorithm, length, key hash). */
  | 'MALFORMED_KEY'
  /** Two known verifier keys share a name and key hash: a signature line could not be attributed. */
  | 'AMBIGUOUS_KEY'
  /** The bytes are not a well-formed C2SP signed note (or text to sign is not acceptable). */
  | 'MALFORMED_NOTE'
  /** A signature line from a known key (name and key hash) does not verify. */
  | 'BAD_SIGNATURE'
  /** No signature line from a known key: nothing vouches for the text. */
  | 'NO_KNOWN_SIGNATURE'
  /** The verified note text is not a valid C2SP tlog-checkpoint body. */
  | 'MALFORMED_CHECKPOINT'
  /** The checkpoint is valid but names another log than the one expected. */
  | 'ORIGIN_MISMATCH'
  /** The text is not a well-formed C2SP tlog-proof. */
  | 'MALFORMED_PROOF'
  /** The text is not a well-formed C2SP tlog-policy (syntax, names, keys, quorum). */
  | 'MALFORMED_POLICY';

export class NoteError extends Error {
  override readonly name = 'NoteError';

  constructor(
    readonly code: NoteErrorCode,
    message: string,
  ) {
    super(message);
  }
}
