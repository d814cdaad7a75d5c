// core/errors.ts: EngineError with a stable `code` (undici style). Every failure the host reports
// has one; messages name what and where (file offset, config key).

export type ErrorCode =
  | "ERR_CONFIG"                 // a configuration key or value is invalid
  | "ERR_CAPTURE_FORMAT"         // not a pcap/pcapng file (bad magic), or an unsupported version
  | "ERR_CAPTURE_CORRUPT"        // a record/block header is inconsistent
  | "ERR_CAPTURE_TRUNCATED"      // the input ends inside a record
  | "ERR_CAPTURE_INTERFACE"      // pcapng packet for an undescribed interface
  | "ERR_CAPTURE_EMPTY"          // zero-length input
  | "ERR_REENTRANT"              // a callback called back into the engine
  | "ERR_STATE"                  // call out of order (e.g. feed after finish)
  | "ERR_OUT_OF_MEMORY"          // the core could not grow its memory
  | "ERR_CORE_TRAP"              // the core trapped: a bug; the instance is unusable
  | "ERR_IO";                    // reading the input failed

export class EngineError extends Error {
  readonly code: ErrorCode;
  /** Byte offset in the input where the problem is, when there is one. */
  readonly offset: number | undefined;
  constructor(code: ErrorCode, message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = "EngineError";
    this.code = code;
    this.offset = offset;
  }
}
