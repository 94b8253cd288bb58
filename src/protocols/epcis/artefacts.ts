/**
 * The EPCIS 2.0 artefacts Sealwatch validates against (see `schema/README.md` for provenance): the
 * official JSON schema and the JSON-LD context. They are JSON modules, so the compiler copies them
 * beside the compiled code and they are found at run time from `dist/` without a file path.
 */
import schema from "./schema/EPCIS-JSON-Schema.json" with { type: "json" };
import context from "./schema/epcis-context.json" with { type: "json" };

/** The inlined EPCIS 2.0 JSON schema (draft-07). */
export const EPCIS_SCHEMA: Readonly<Record<string, unknown>> = schema;

/** The JSON-LD context every EPCIS 2.0 document references. */
export const EPCIS_CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/** The bundled copy of the document at `EPCIS_CONTEXT_URL`, for offline JSON-LD processing. */
export const EPCIS_CONTEXT: Readonly<Record<string, unknown>> = context;

/**
 * The terms the EPCIS context defines. It marks them `@protected`, so under JSON-LD 1.1 a
 * document's own context may not redefine them (`disposition`, `type`, the `gs1` prefix, …).
 */
export const PROTECTED_TERMS: ReadonlySet<string> = new Set(
  Object.keys(context["@context"]).filter((term) => !term.startsWith("@")),
);
