// abi/status.ts: the Status every exported call returns (stable numbers; mirrored in src/core/abi.ts).
export const enum Status {
  Ok = 0,
  /** feedCapture: the chunk ends inside a record; call again with more bytes (or at EOF: truncated). */
  NeedMore = 1,
  /** The bytes are not a pcap or pcapng file (bad magic). */
  BadMagic = -1,
  /** A record or block header is inconsistent (absurd length, bad block trailer). */
  CorruptRecord = -2,
  /** A record is larger than the input region; the host may grow it. */
  RecordTooLarge = -3,
  /** pcapng packet refers to an interface that was never described. */
  UnknownInterface = -4,
  /** Unsupported pcap version. */
  BadVersion = -5,
  /** init() was called twice or a call came before init(). */
  BadState = -6,
  /** A configuration value is out of range. */
  BadConfig = -7,
  /** Memory could not grow for a region needed at init. */
  OutOfMemory = -8,
}
