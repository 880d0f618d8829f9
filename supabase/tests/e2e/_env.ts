// What end-to-end tests need from the running stack. `npm test` sets these from the stack it
// brings up; by hand, export the KEY=value lines `npm run stack:up` prints.
import postgres from "npm:postgres@3.4.9";

export function stackEnv(name: "DB_URL" | "API_URL" | "FUNCTIONS_URL" | "ANON_KEY" | "SERVICE_ROLE_KEY" | "GITHUB_API_URL" | "JWT_SECRET"): string {
  const v = Deno.env.get(name);
  if (!v) {
    throw new Error(
      `${name} is not set: end-to-end tests need a running stack. Run them with \`npm test\`, or ` +
        "`npm run stack:up` and export the KEY=value lines it prints.",
    );
  }
  return v;
}

export function testDb(max = 2) {
  return postgres(stackEnv("DB_URL"), { max, onnotice: () => {} });
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
