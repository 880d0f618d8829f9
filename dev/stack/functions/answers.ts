// The answers hosted Supabase gives when a function cannot answer itself
// (supabase.com/docs/guides/functions/status-codes and /error-codes): the status, the
// `sb-error-code` header and, for 546, the body its troubleshooting guide shows. The texts of the
// other bodies are ours (hosted does not document them).

function answer(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ code, message }), {
    status,
    headers: { "content-type": "application/json", "sb-error-code": code },
  });
}

/** 546: the worker was ended by a resource limit (CPU time, memory, wall clock). Hosted names it
 * WORKER_RESOURCE_LIMIT (WORKER_LIMIT before 2026-05); the log says which limit. */
export const resourceLimitAnswer = () =>
  answer(546, "WORKER_RESOURCE_LIMIT", "Function failed due to not having enough compute resources (please check logs)");

/** 504: no response within the request idle timeout. */
export const idleTimeoutAnswer = (seconds: number) =>
  answer(504, "IDLE_TIMEOUT", `Function did not send a response within the request idle timeout (${seconds} s)`);

/** 503: the function failed to start (syntax or import error, exit while loading). */
export const bootErrorAnswer = (name: string, detail: string) =>
  answer(503, "BOOT_ERROR", `function ${name} failed to boot: ${detail}; see the stack log`);

/** 500: the function's process died for another reason (e.g. an uncaught error). */
export const workerErrorAnswer = (name: string, detail: string) =>
  answer(500, "WORKER_ERROR", `function ${name} stopped while answering: ${detail}; see the stack log`);
