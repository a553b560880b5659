/**
 * The fd server's wire format (netmap utils/fd_server.h), shared by
 * scripts/fd-server.ts and scripts/functional.ts:
 * - request, 65 bytes: `uint8 action` then `char if_name[64]` (NUL-terminated);
 * - response, 152 bytes: `int32 result` at 0, `struct nmreq_header` at 8 and
 *   `struct nmreq_register` at 96; the port's fd travels as SCM_RIGHTS when
 *   result is 0.
 *
 * The legacy variant (utils/fd_server-legacy.h, used by functional-legacy)
 * has the same request; its response is `int32 result` then the legacy
 * `struct nmreq` at 4 (its size from the layout table: 60 bytes, so 64 in
 * all).
 *
 * @module
 */

import { layout } from "../layout.ts";

/** FD_GET: open (or reuse) a port and send its fd. */
export const FD_GET = 1;
/** FD_RELEASE: the client is done with the port (no reply). */
export const FD_RELEASE = 2;
/** FD_CLOSE: close the port (no reply). */
export const FD_CLOSE = 3;
/** FD_STOP: the server exits (no reply). */
export const FD_STOP = 4;
/** Size of `struct fd_request`. */
export const FD_REQUEST_SIZE = 65;
/** Size of the name field (NETMAP_REQ_IFNAMSIZ). */
export const FD_NAME_SIZE = 64;
/** Offset of `hdr` in `struct fd_response`. */
export const FD_RESPONSE_HDR = 8;
/** Offset of `reg` in `struct fd_response`. */
export const FD_RESPONSE_REG = 96;
/** Size of `struct fd_response`. */
export const FD_RESPONSE_SIZE = 152;

/** A decoded request. */
export interface FdRequest {
  /** FD_GET, FD_RELEASE, FD_CLOSE, FD_STOP or anything else. */
  action: number;
  /** The port name (up to 63 bytes). */
  name: string;
}

/**
 * Encodes a request; the name is cut to 63 bytes as the C client does.
 *
 * @example
 * ```ts
 * import { encodeFdRequest, FD_GET } from "./fd_protocol.ts";
 * console.log(encodeFdRequest({ action: FD_GET, name: "vale0:a" }).length); // 65
 * ```
 */
export function encodeFdRequest(req: FdRequest): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(FD_REQUEST_SIZE);
  out[0] = req.action & 0xff;
  const name = new TextEncoder().encode(req.name).subarray(0, FD_NAME_SIZE - 1);
  out.set(name, 1);
  return out;
}

/**
 * Decodes a request; undefined when it is shorter than one action byte.
 *
 * @example
 * ```ts
 * import { decodeFdRequest, encodeFdRequest, FD_STOP } from "./fd_protocol.ts";
 * console.log(decodeFdRequest(encodeFdRequest({ action: FD_STOP, name: "" })));
 * // { action: 4, name: "" }
 * ```
 */
export function decodeFdRequest(bytes: Uint8Array): FdRequest | undefined {
  if (bytes.length < 1) return undefined;
  const field = bytes.subarray(1, 1 + FD_NAME_SIZE);
  const nul = field.indexOf(0);
  const name = new TextDecoder().decode(
    nul < 0 ? field.subarray(0, FD_NAME_SIZE - 1) : field.subarray(0, nul),
  );
  return { action: bytes[0], name };
}

/** A decoded response. */
export interface FdResponse {
  /** 0 or a (positive) errno value. */
  result: number;
  /** The `nmreq_header` bytes (88). */
  header: Uint8Array;
  /** The `nmreq_register` bytes (56). */
  register: Uint8Array;
}

/**
 * Encodes a response.
 *
 * @example
 * ```ts
 * import { encodeFdResponse } from "./fd_protocol.ts";
 * console.log(encodeFdResponse(16).length); // 152
 * ```
 */
export function encodeFdResponse(
  result: number,
  header?: Uint8Array,
  register?: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(FD_RESPONSE_SIZE);
  new DataView(out.buffer).setInt32(0, result, true);
  if (header) out.set(header.subarray(0, FD_RESPONSE_REG - FD_RESPONSE_HDR), FD_RESPONSE_HDR);
  if (register) out.set(register.subarray(0, FD_RESPONSE_SIZE - FD_RESPONSE_REG), FD_RESPONSE_REG);
  return out;
}

/**
 * Decodes a response; undefined when it is not a whole `struct fd_response`.
 *
 * @example
 * ```ts
 * import { decodeFdResponse, encodeFdResponse } from "./fd_protocol.ts";
 * console.log(decodeFdResponse(encodeFdResponse(2))?.result); // 2
 * ```
 */
export function decodeFdResponse(bytes: Uint8Array): FdResponse | undefined {
  if (bytes.length < FD_RESPONSE_SIZE) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    result: view.getInt32(0, true),
    header: bytes.slice(FD_RESPONSE_HDR, FD_RESPONSE_REG),
    register: bytes.slice(FD_RESPONSE_REG, FD_RESPONSE_SIZE),
  };
}

/** Offset of `req` (the legacy `struct nmreq`, 4-byte aligned) in the legacy `struct fd_response`. */
export const FD_LEGACY_RESPONSE_REQ = 4;

/**
 * Size of the legacy `struct fd_response`: `int32 result` + `struct nmreq`.
 *
 * @example
 * ```ts ignore
 * import { fdLegacyResponseSize } from "./fd_protocol.ts";
 * console.log(fdLegacyResponseSize()); // 64
 * ```
 */
export function fdLegacyResponseSize(): number {
  return FD_LEGACY_RESPONSE_REQ + layout().size("nmreq");
}

/** A decoded legacy response. */
export interface FdLegacyResponse {
  /** 0 or a (positive) errno value. */
  result: number;
  /** The legacy `struct nmreq` bytes (60). */
  request: Uint8Array<ArrayBuffer>;
}

/**
 * Encodes a legacy response (zeroed, then `result` and the request if given).
 *
 * @example
 * ```ts ignore
 * import { encodeFdLegacyResponse } from "./fd_protocol.ts";
 * console.log(encodeFdLegacyResponse(16).length); // 64
 * ```
 */
export function encodeFdLegacyResponse(
  result: number,
  request?: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const size = fdLegacyResponseSize();
  const out = new Uint8Array(size);
  new DataView(out.buffer).setInt32(0, result, true);
  if (request) {
    out.set(request.subarray(0, size - FD_LEGACY_RESPONSE_REQ), FD_LEGACY_RESPONSE_REQ);
  }
  return out;
}

/**
 * Decodes a legacy response; undefined when it is not a whole legacy `struct fd_response`.
 *
 * @example
 * ```ts ignore
 * import { decodeFdLegacyResponse, encodeFdLegacyResponse } from "./fd_protocol.ts";
 * console.log(decodeFdLegacyResponse(encodeFdLegacyResponse(2))?.result); // 2
 * ```
 */
export function decodeFdLegacyResponse(bytes: Uint8Array): FdLegacyResponse | undefined {
  const size = fdLegacyResponseSize();
  if (bytes.length < size) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    result: view.getInt32(0, true),
    request: bytes.slice(FD_LEGACY_RESPONSE_REQ, size),
  };
}
