/**
 * Node ids and cursors. Node ids look like GitHub's new global ids (`PR_kwDO…`): a type prefix
 * and an opaque base64url payload. Here the payload says where the object lives (repo ordinal
 * and indexes), which makes `node(id)` a direct lookup.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function b64url(text: string): string {
  let bin = "";
  for (const byte of encoder.encode(text)) bin += String.fromCharCode(byte);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function unb64url(text: string): string | null {
  try {
    const padded = text.replaceAll("-", "+").replaceAll("_", "/");
    const bin = atob(padded + "=".repeat((4 - (padded.length % 4)) % 4));
    return decoder.decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** GitHub's prefixes for the types the simulator serves. */
export const PREFIX = {
  Repository: "R_kgDO",
  User: "U_kgDO",
  PullRequest: "PR_kwDO",
  PullRequestReview: "PRR_kwDO",
  PullRequestReviewThread: "PRRT_kwDO",
  PullRequestReviewComment: "PRRC_kwDO",
  IssueComment: "IC_kwDO",
  Issue: "I_kwDO",
  Discussion: "D_kwDO",
  DiscussionComment: "DC_kwDO",
  Commit: "C_kwDO",
  Label: "LA_kwDO",
  Ref: "REF_kwDO",
} as const;

export type NodeType = keyof typeof PREFIX;

export function nodeId(type: NodeType, path: (string | number)[]): string {
  return PREFIX[type] + b64url("sim:" + path.join(":"));
}

export interface DecodedId {
  type: NodeType;
  path: string[];
}

export function decodeNodeId(id: string): DecodedId | null {
  // Longest prefix first: PRRT_ must not be read as PR_.
  const entries = (Object.entries(PREFIX) as [NodeType, string][])
    .sort((a, b) => b[1].length - a[1].length);
  for (const [type, prefix] of entries) {
    if (!id.startsWith(prefix)) continue;
    const payload = unb64url(id.slice(prefix.length));
    if (payload === null || !payload.startsWith("sim:")) return null;
    return { type, path: payload.slice(4).split(":") };
  }
  return null;
}

/** Cursors: base64 of `cursor:v2:<position>`, the same outer shape as GitHub's `Y3Vyc29yOnYyOp…`. */
export function encodeCursor(position: number): string {
  return btoa(`cursor:v2:${position}`);
}

export function decodeCursor(cursor: string): number | null {
  try {
    const text = atob(cursor);
    const match = /^cursor:v2:(\d+)$/.exec(text);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
