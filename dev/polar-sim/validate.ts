// Validation of POST /v1/checkouts/ bodies, answered as Polar answers them: HTTP 422 with
// {"error": "RequestValidationError", "detail": [pydantic error details]} (exception_handlers.py),
// and the service's own checks (unknown/archived/draft product) as PolarRequestValidationError with
// type "value_error" and loc ("body", "products", index) (checkout/service.py
// _get_validated_products). Messages are pydantic v2's for the constraints of
// checkout/schemas.py CheckoutProductsCreate. Only the fields the simulator uses are checked in
// depth; see README.md for what is not.
import type { CheckoutCreate, Product } from "./objects.ts";

export interface ValidationErrorDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export type Validated =
  | { ok: true; body: CheckoutCreate }
  | {
    ok: false;
    error: "RequestValidationError" | "PolarRequestValidationError";
    detail: ValidationErrorDetail[];
  };

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const STRING_FIELDS = [
  "external_customer_id",
  "customer_external_id",
  "customer_name",
  "customer_billing_name",
  "customer_tax_id",
  "embed_origin",
  "locale",
  "customer_ip_address",
] as const;
const BOOLEAN_FIELDS = [
  "allow_discount_codes",
  "require_billing_address",
  "allow_trial",
  "is_business_customer",
] as const;
const UUID_FIELDS = ["customer_id", "subscription_id", "discount_id"] as const;

/** Shape checks first (FastAPI's RequestValidationError), then the catalogue (the service's). */
export function validateCheckoutCreate(
  raw: unknown,
  catalogue: ReadonlyMap<string, Product>,
): Validated {
  const detail = shapeErrors(raw);
  if (detail.length > 0) return { ok: false, error: "RequestValidationError", detail };
  // schemas.py: validation_alias=AliasChoices("external_customer_id", "customer_external_id").
  const { customer_external_id: alias, ...rest } = raw as CheckoutCreate & {
    customer_external_id?: string | null;
  };
  const body: CheckoutCreate = {
    ...rest,
    external_customer_id: rest.external_customer_id ?? alias,
  };
  const productErrors = catalogueErrors(body.products, catalogue);
  if (productErrors.length > 0) {
    return { ok: false, error: "PolarRequestValidationError", detail: productErrors };
  }
  return { ok: true, body };
}

function shapeErrors(raw: unknown): ValidationErrorDetail[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return [{
      type: "model_attributes_type",
      loc: ["body"],
      msg: "Input should be a valid dictionary or object to extract fields from",
      input: raw,
    }];
  }
  const body = raw as Record<string, unknown>;
  const errors: ValidationErrorDetail[] = [
    ...productsErrors(body),
    ...metadataErrors(body.metadata, "metadata"),
  ];
  errors.push(...metadataErrors(body.customer_metadata, "customer_metadata"));
  for (const field of STRING_FIELDS) {
    const v = body[field];
    if (v !== undefined && v !== null && typeof v !== "string") {
      errors.push({
        type: "string_type",
        loc: ["body", field],
        msg: "Input should be a valid string",
        input: v,
      });
    }
  }
  for (const field of BOOLEAN_FIELDS) {
    const v = body[field];
    if (v !== undefined && typeof v !== "boolean") {
      errors.push({
        type: "bool_type",
        loc: ["body", field],
        msg: "Input should be a valid boolean",
        input: v,
      });
    }
  }
  for (const field of UUID_FIELDS) {
    const v = body[field];
    if (v !== undefined && v !== null) errors.push(...uuidErrors(v, ["body", field]));
  }
  errors.push(...emailErrors(body.customer_email));
  for (const field of ["success_url", "return_url"] as const) {
    errors.push(...urlErrors(body[field], field));
  }
  return errors;
}

function productsErrors(body: Record<string, unknown>): ValidationErrorDetail[] {
  const products = body.products;
  if (products === undefined) {
    return [{ type: "missing", loc: ["body", "products"], msg: "Field required", input: body }];
  }
  if (!Array.isArray(products)) {
    return [{
      type: "list_type",
      loc: ["body", "products"],
      msg: "Input should be a valid list",
      input: products,
    }];
  }
  if (products.length === 0) {
    return [{
      type: "too_short",
      loc: ["body", "products"],
      msg: "List should have at least 1 item after validation, not 0",
      input: products,
      ctx: { field_type: "List", min_length: 1, actual_length: 0 },
    }];
  }
  const errors = products.flatMap((p, i) => uuidErrors(p, ["body", "products", i]));
  if (
    errors.length === 0 &&
    new Set(products.map((p: string) => p.toLowerCase())).size !== products.length
  ) {
    errors.push({
      type: "value_error",
      loc: ["body", "products"],
      msg: "Value error, Product IDs must be unique.",
      input: products,
      ctx: { error: {} },
    });
  }
  return errors;
}

function uuidErrors(v: unknown, loc: (string | number)[]): ValidationErrorDetail[] {
  if (typeof v !== "string") {
    return [{
      type: "uuid_type",
      loc,
      msg: "UUID input should be a string, bytes or UUID object",
      input: v,
    }];
  }
  if (!UUID.test(v)) {
    const error = `invalid length: expected length 32 for simple format, found ${
      v.replaceAll("-", "").length
    }`;
    return [{
      type: "uuid_parsing",
      loc,
      msg: `Input should be a valid UUID, ${error}`,
      input: v,
      ctx: { error },
    }];
  }
  if (v.replaceAll("-", "")[12] !== "4") {
    return [{
      type: "uuid_version",
      loc,
      msg: "UUID version 4 expected",
      input: v,
      ctx: { expected_version: 4 },
    }];
  }
  return [];
}

// Polar's MetadataField: at most 50 pairs, keys ≤ 40 characters, values a string ≤ 500
// characters, an integer, a float or a boolean.
function metadataErrors(v: unknown, field: string): ValidationErrorDetail[] {
  if (v === undefined) return [];
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return [{
      type: "dict_type",
      loc: ["body", field],
      msg: "Input should be a valid dictionary",
      input: v,
    }];
  }
  const entries = Object.entries(v);
  const errors: ValidationErrorDetail[] = [];
  if (entries.length > 50) {
    errors.push({
      type: "too_long",
      loc: ["body", field],
      msg: `Dictionary should have at most 50 items after validation, not ${entries.length}`,
      input: v,
      ctx: { field_type: "Dictionary", max_length: 50, actual_length: entries.length },
    });
  }
  for (const [key, value] of entries) {
    if (key.length > 40) {
      errors.push({
        type: "string_too_long",
        loc: ["body", field, `${key}`, "[key]"],
        msg: "String should have at most 40 characters",
        input: key,
        ctx: { max_length: 40 },
      });
    }
    if (typeof value === "string" && value.length > 500) {
      errors.push({
        type: "string_too_long",
        loc: ["body", field, key, "str"],
        msg: "String should have at most 500 characters",
        input: value,
        ctx: { max_length: 500 },
      });
    } else if (!["string", "number", "boolean"].includes(typeof value)) {
      errors.push({
        type: "string_type",
        loc: ["body", field, key, "str"],
        msg: "Input should be a valid string",
        input: value,
      });
    }
  }
  return errors;
}

function emailErrors(v: unknown): ValidationErrorDetail[] {
  if (v === undefined || v === null) return [];
  const loc = ["body", "customer_email"];
  if (typeof v !== "string") {
    return [{ type: "string_type", loc, msg: "Input should be a valid string", input: v }];
  }
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) return [];
  const reason = v.includes("@")
    ? "The part after the @-sign is not valid."
    : "An email address must have an @-sign.";
  return [{
    type: "value_error",
    loc,
    msg: `value is not a valid email address: ${reason}`,
    input: v,
    ctx: { reason },
  }];
}

function urlErrors(v: unknown, field: string): ValidationErrorDetail[] {
  if (v === undefined || v === null) return [];
  const loc = ["body", field];
  if (typeof v !== "string") {
    return [{ type: "url_type", loc, msg: "URL input should be a string or URL", input: v }];
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    const error = "relative URL without a base";
    return [{
      type: "url_parsing",
      loc,
      msg: `Input should be a valid URL, ${error}`,
      input: v,
      ctx: { error },
    }];
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return [{
      type: "url_scheme",
      loc,
      msg: "URL scheme should be 'http' or 'https'",
      input: v,
      ctx: { expected_schemes: "'http' or 'https'" },
    }];
  }
  return [];
}

// checkout/service.py _get_validated_products: every bad product is reported, by index.
function catalogueErrors(
  ids: string[],
  catalogue: ReadonlyMap<string, Product>,
): ValidationErrorDetail[] {
  const errors: ValidationErrorDetail[] = [];
  ids.forEach((id, index) => {
    const product = catalogue.get(id.toLowerCase());
    const msg = product === undefined
      ? "Product does not exist."
      : product.is_archived
      ? "Product is archived."
      : product.visibility === "draft"
      ? "Product is a draft."
      : null;
    if (msg) errors.push({ type: "value_error", loc: ["body", "products", index], msg, input: id });
  });
  return errors;
}
