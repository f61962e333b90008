/** Typed errors of the tile code, with stable codes a caller can switch on. */

export type TileErrorCode =
  | 'MALFORMED_TILE_PATH' // not a path of the C2SP tlog-tiles form, or not its one canonical spelling: 400
  | 'TILE_BEYOND_ANY_LOG' // a well-formed path to a tile no tree below 2^53 entries has: 404
  | 'ENTRY_TOO_LARGE'; // an entry bundle member longer than its uint16 length prefix can say

export class TileError extends Error {
  override readonly name = 'TileError';
  constructor(
    readonly code: TileErrorCode,
    message: string,
  ) {
    super(message);
  }
}
