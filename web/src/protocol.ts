// web/src/protocol.ts: the messages between the page (main.ts) and the analysis worker (worker.ts),
// and the viewer's settings. Everything here crosses postMessage, so it is plain data (structured
// clone): no class instances, no views into wasm memory.

/** The viewer's settings. Names follow the CLI and the engine configuration (src/config/schema.ts). */
export interface ViewerSettings {
  /** `policy`: default overlap policy (--policy). */
  policy: string;
  /** `checksum`: auto | on | off (--checksum). */
  checksum: "auto" | "on" | "off";
  /** `midstream`: pick up connections without a handshake (--no-midstream turns it off). */
  midstream: boolean;
  /** `depth`: bytes reassembled per direction, 0 = unlimited (--depth). */
  depth: number;
  /** `inspection.mode`: ids (acknowledged data) | inline (--inline of `scan`). */
  inspection: "ids" | "inline";
  /** Rules text (Suricata/Snort subset or a literal list, as `scan --rules`); empty = no detection. */
  rules: string;
  /** Where the rules came from, for error messages ("pasted" or the file name). */
  rulesName: string;
}

export const DEFAULT_SETTINGS: ViewerSettings = {
  policy: "bsd", checksum: "auto", midstream: true, depth: 0, inspection: "ids", rules: "", rulesName: "pasted",
};

export type Dir = "toserver" | "toclient";

/** One row of the connections table (from the engine's ConnectionRecord). */
export interface ConnRow {
  id: number;
  srcIp: string; srcPort: number; destIp: string; destPort: number;
  state: string;
  reason: string;
  midstream: boolean;
  pkts: Record<Dir, number>;
  bytes: Record<Dir, number>;
  gaps: number;
  gapBytes: number;
  events: string[];
  alerts: number;
  drops: number;
  /** Not every delivered byte was kept for the conversation view (per-direction or total cap). */
  capped: boolean;
}

export interface AlertInfo {
  gid: number; sid: number; rev: number; msg: string;
  dir: Dir;
  /** Stream offsets of the match: [streamOffset, matchEnd) (the fast pattern's end). */
  streamOffset: number;
  matchEnd: number;
  frame: number;
  ts: number;
  dropped: boolean;
}

/** The conversation in stream order: what was delivered, what was lost, what was raised, as it happened. */
export type ConvItem =
  | { kind: "data"; dir: Dir; offset: number; at: number; length: number }   // at: index in data[dir]
  | { kind: "gap"; dir: Dir; offset: number; length: number }
  | { kind: "event"; dir: Dir; name: string; frame: number };

export interface Conversation {
  row: ConnRow;
  /** Each direction's delivered bytes in order (gaps excluded), at most `cap` of them. */
  data: Record<Dir, Uint8Array>;
  /** Bytes delivered beyond what was kept (0 when everything was kept). */
  dropped: Record<Dir, number>;
  cap: number;
  items: ConvItem[];
  alerts: AlertInfo[];
}

export interface Summary {
  packets: number; tcpPackets: number; connections: number;
  c2s: number; s2c: number; gaps: number; gapBytes: number; events: number; badChecksum: number;
  alerts: number; drops: number; rules: number;
  bytesRead: number; elapsedMs: number;
}

export interface ErrorInfo { code: string; message: string; offset: number | undefined }

export type ToWorker =
  | { type: "run"; file: Blob; name: string; settings: ViewerSettings; sliceBytes?: number }
  | { type: "cancel" }
  | { type: "conversation"; id: number };

export type FromWorker =
  | { type: "rules"; loaded: number; errors: Array<{ file: string; line: number; reason: string }> }
  | { type: "progress"; bytes: number; total: number }
  | { type: "notice"; message: string; code: string }
  | { type: "done"; rows: ConnRow[]; summary: Summary; error: ErrorInfo | undefined; cancelled: boolean }
  | { type: "failed"; error: ErrorInfo }
  | { type: "conversation"; conv: Conversation | undefined; id: number };
