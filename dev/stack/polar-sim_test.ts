import assert from "node:assert/strict";
import { stackConfig } from "./config.ts";
import { addonProducts, polarTarget } from "./polar-sim.ts";

const c = { ...stackConfig("dev"), polarPort: 54350 };

Deno.test("polarTarget(): the simulator unless the functions' secrets name a real Polar", () => {
  assert.deepEqual(polarTarget(c, {}), { simulated: true, url: "http://127.0.0.1:54350" });
  assert.deepEqual(polarTarget(c, { POLAR_API_URL: "https://polar.example" }), { simulated: false, url: "https://polar.example" });
  assert.deepEqual(polarTarget(c, { POLAR_SERVER: "sandbox" }), { simulated: false, url: "https://sandbox-api.polar.sh" });
  assert.deepEqual(polarTarget(c, { POLAR_SERVER: "production" }), { simulated: false, url: "https://api.polar.sh" });
});

Deno.test("addonProducts(): every configured addon product id is in the simulator's catalogue", () => {
  const ids = ["ed348547-4256-4eab-a959-5c7f1bf91eb9", "0b9a1c52-3d1e-4f7a-9d55-2f3c1e0a9b77"];
  const products = addonProducts({ POLAR_PRODUCT_ID_EXTENDED_RETENTION: ` ${ids[0]}, ${ids[1]} ` });
  assert.deepEqual(products.map((p) => p.id), ids);
  assert.ok(products.every((p) => p.name === "Extended Data Retention" && p.recurringInterval === "month"));
  assert.equal(addonProducts({}).length, 1);
});
