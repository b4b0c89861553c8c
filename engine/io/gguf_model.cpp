#include "gguf_model.h"

#include "error.h"
#include "file_util.h"
#include "gguf_file.h"
#include "gguf_quant.h"
#include "gguf_names.h"
#include "lora.h"
#include "rotary_permute.h"
#include "stored_tensor.h"
#include "text_util.h"
#include "tokenizer.h"
#include "thread_guard.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace tb {

// ---------------------------------------------------------------------------------------
// Import

namespace {

// A float32 hyperparameter as the converter most likely wrote it: 1e-5 stored as float32
// reads back as 9.99999975e-06; its 7 significant digits give the double 1e-5 again.
double fromFloat32(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.7g", value);
    return std::strtod(buf, nullptr);
}

std::shared_ptr<Tokenizer> importTokenizer(const GgufFile &gguf, std::string &tokenizerError)
{
    const std::string &path = gguf.path();
    const GgufValue *model = gguf.find("tokenizer.ggml.model");
    if (!model)
        return nullptr;
    const std::string kind = gguf.getString("tokenizer.ggml.model");
    if (kind != "llama") {
        tokenizerError = path + ": tokenizer model '" + printableText(kind)
                         + "' is not supported; only SentencePiece (llama) vocabularies are supported";
        return nullptr;
    }
    const GgufValue *tokens = gguf.find("tokenizer.ggml.tokens");
    if (!tokens || tokens->type != GgufType::Array || tokens->arrayType != GgufType::String)
        throw Error(path + ": tokenizer.ggml.tokens is missing or not an array of strings");
    const size_t n = tokens->strings.size();
    const GgufValue *scores = gguf.find("tokenizer.ggml.scores");
    const GgufValue *types = gguf.find("tokenizer.ggml.token_type");
    if (scores && (scores->type != GgufType::Array || scores->floats.size() != n))
        throw Error(path + ": tokenizer.ggml.scores has " + std::to_string(scores->arraySize())
                    + " numbers; expected one per token (" + std::to_string(n) + ")");
    if (types && (types->type != GgufType::Array || types->ints.size() != n))
        throw Error(path + ": tokenizer.ggml.token_type has " + std::to_string(types->arraySize())
                    + " integers; expected one per token (" + std::to_string(n) + ")");
    std::vector<VocabEntry> vocab(n);
    for (size_t i = 0; i < n; ++i) {
        vocab[i].piece = tokens->strings[i];
        vocab[i].score = scores ? float(scores->floats[i]) : 0.0f;
        const int64_t t = types ? types->ints[i] : int64_t(PieceType::Normal);
        if (t < int64_t(PieceType::Normal) || t > int64_t(PieceType::Byte))
            throw Error(path + ": tokenizer.ggml.token_type of token " + std::to_string(i) + " is "
                        + std::to_string(t) + "; expected 1-6");
        vocab[i].type = PieceType(int32_t(t));
    }
    auto tokenizer = Tokenizer::fromVocab(vocab, path);
    tokenizer->setChatTemplateSource(gguf.getString("tokenizer.chat_template", ""));
    return tokenizer;
}

} // namespace

ImportedModel importGguf(const std::string &path)
{
    auto gguf = std::make_shared<GgufFile>(path);
    const std::string arch = gguf->getString("general.architecture", "");
    if (arch != "llama")
        throw Error(path + ": architecture '" + printableText(arch) + "' is not supported; expected 'llama'");

    ModelConfig c;
    c.hiddenSize = gguf->getInt("llama.embedding_length");
    c.intermediateSize = gguf->getInt("llama.feed_forward_length");
    c.numLayers = gguf->getInt("llama.block_count");
    c.numHeads = gguf->getInt("llama.attention.head_count");
    c.numKvHeads = gguf->getInt("llama.attention.head_count_kv", c.numHeads);
    c.maxPositions = gguf->getInt("llama.context_length");
    c.rmsNormEps = fromFloat32(gguf->getDouble("llama.attention.layer_norm_rms_epsilon"));
    c.ropeTheta = fromFloat32(gguf->getDouble("llama.rope.freq_base", 10000.0));
    const GgufTensorInfo *embd = gguf->tensor("token_embd.weight");
    if (!embd || embd->ne.size() != 2)
        throw Error(path + ": tensor 'token_embd.weight' is missing or not 2-D");
    c.vocabSize = embd->ne[1];
    c.tieWordEmbeddings = gguf->tensor("output.weight") == nullptr;
    c.bosTokenId = gguf->getInt("tokenizer.ggml.bos_token_id", c.bosTokenId);
    c.eosTokenId = gguf->getInt("tokenizer.ggml.eos_token_id", c.eosTokenId);
    if (c.numHeads <= 0 || c.hiddenSize % c.numHeads != 0)
        throw Error(path + ": llama.embedding_length " + std::to_string(c.hiddenSize)
                    + " is not a multiple of llama.attention.head_count " + std::to_string(c.numHeads));
    const int64_t ropeDims = gguf->getInt("llama.rope.dimension_count", c.headDim());
    if (ropeDims != c.headDim())
        throw Error(path + ": llama.rope.dimension_count is " + std::to_string(ropeDims)
                    + "; Tunebench needs full rotary embeddings over the head size " + std::to_string(c.headDim()));
    const int64_t keyLength = gguf->getInt("llama.attention.key_length", c.headDim());
    if (keyLength != c.headDim())
        throw Error(path + ": llama.attention.key_length is " + std::to_string(keyLength)
                    + "; expected embedding_length / head_count = " + std::to_string(c.headDim()));
    const std::string scaling = gguf->getString("llama.rope.scaling.type", "none");
    if (scaling != "none")
        throw Error(path + ": RoPE scaling '" + printableText(scaling) + "' is not supported; expected none");
    c.validate(path);

    ImportedModel out;
    out.config = c;
    out.format = "gguf";
    out.path = path;

    std::map<std::string, uint64_t> bytesByType;
    auto file = gguf->file();
    for (const GgufTensorInfo &info : gguf->tensors()) {
        const std::string hf = ggufToHfName(info.name);
        if (hf.empty())
            throw Error(path + ": tensor '" + printableText(info.name) + "' has no Llama counterpart Tunebench knows");
        int64_t permuteHeads = 0;
        if (info.name.size() > 14 && info.name.compare(info.name.size() - 14, 14, ".attn_q.weight") == 0)
            permuteHeads = c.numHeads;
        else if (info.name.size() > 14 && info.name.compare(info.name.size() - 14, 14, ".attn_k.weight") == 0)
            permuteHeads = c.numKvHeads;
        if (permuteHeads > 0 && (info.ne.size() != 2 || info.ne[1] % (2 * permuteHeads) != 0))
            throw Error(path + ": tensor '" + printableText(info.name) + "' cannot be split into " + std::to_string(permuteHeads)
                        + " rotary heads");

        StoredTensor t;
        t.name = hf;
        t.dtype = ggmlTypeName(uint32_t(info.type));
        t.shape = info.torchShape();
        t.file = path;
        bytesByType[t.dtype] += info.bytes;
        t.readInto = [file, info, permuteHeads](torch::Tensor &dst) {
            torch::NoGradGuard noGrad;
            if (dst.numel() != info.numel())
                throw Error(file->path() + ": tensor '" + printableText(info.name) + "' has " + std::to_string(info.numel())
                            + " elements; the destination has " + std::to_string(dst.numel()));
            const auto shape = info.torchShape();
            torch::Tensor values;
            if (ggmlIsQuantized(info.type)) {
                // Dequantised to float32 on load; rows are whole blocks (checked by GgufFile),
                // so the tensor is one run of blocks.
                std::string raw(size_t(info.bytes), '\0');
                readExact(file->fd(), file->path(), info.offset, raw.data(), info.bytes);
                values = torch::empty(shape, torch::kFloat);
                // Blocks are independent: dequantised in parallel, the same bits in any split.
                const GgmlBlockLayout layout = ggmlBlockLayout(uint32_t(info.type));
                float *out = values.data_ptr<float>();
                at::parallel_for(0, info.numel() / layout.blockSize, 4096, [&](int64_t begin, int64_t end) {
                    dequantizeRow(info.type, raw.data() + begin * int64_t(layout.blockBytes),
                                  (end - begin) * layout.blockSize, out + begin * layout.blockSize);
                });
            } else if (permuteHeads == 0) {
                readPlainInto(file->fd(), file->path(), info.offset, ggmlTypeName(uint32_t(info.type)), dst);
                return;
            } else {
                values = torch::empty(shape, storedTorchDtype(ggmlTypeName(uint32_t(info.type))));
                readPlainInto(file->fd(), file->path(), info.offset, ggmlTypeName(uint32_t(info.type)), values);
            }
            if (permuteHeads > 0)
                values = interleavedToHalves(values, permuteHeads);
            dst.copy_(values.view(dst.sizes()));
        };
        out.tensors.emplace(hf, std::move(t));
    }
    // Every tensor the metadata implies, with its shape, before anyone allocates a model
    // from that metadata: a corrupt block_count or embedding_length ends here, not in a
    // multi-gigabyte allocation.
    auto expect = [&](const std::string &hf, const std::vector<int64_t> &shape) {
        auto it = out.tensors.find(hf);
        std::vector<int64_t> ne(shape.rbegin(), shape.rend());
        if (it == out.tensors.end())
            throw Error(path + ": tensor '" + hfToGgufName(hf) + "' is missing; llama.block_count is "
                        + std::to_string(c.numLayers));
        if (it->second.shape != shape) {
            auto text = [](const std::vector<int64_t> &v) {
                std::string s = "[";
                for (size_t i = 0; i < v.size(); ++i)
                    s += (i ? ", " : "") + std::to_string(v[i]);
                return s + "]";
            };
            const std::vector<int64_t> found(it->second.shape.rbegin(), it->second.shape.rend());
            throw Error(path + ": tensor '" + hfToGgufName(hf) + "' has ne " + text(found) + "; the llama.* metadata implies "
                        + text(ne));
        }
    };
    const int64_t C = c.hiddenSize, I = c.intermediateSize, KV = c.kvDim();
    expect("model.embed_tokens.weight", {c.vocabSize, C});
    expect("model.norm.weight", {C});
    if (!c.tieWordEmbeddings)
        expect("lm_head.weight", {c.vocabSize, C});
    for (int64_t i = 0; i < c.numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        expect(p + "input_layernorm.weight", {C});
        expect(p + "post_attention_layernorm.weight", {C});
        expect(p + "self_attn.q_proj.weight", {c.numHeads * c.headDim(), C});
        expect(p + "self_attn.k_proj.weight", {KV, C});
        expect(p + "self_attn.v_proj.weight", {KV, C});
        expect(p + "self_attn.o_proj.weight", {C, c.numHeads * c.headDim()});
        expect(p + "mlp.gate_proj.weight", {I, C});
        expect(p + "mlp.up_proj.weight", {I, C});
        expect(p + "mlp.down_proj.weight", {C, I});
    }

    uint64_t best = 0;
    for (const auto &[dtype, bytes] : bytesByType)
        if (bytes > best) {
            best = bytes;
            out.storedDtype = dtype;
        }
    out.tokenizer = importTokenizer(*gguf, out.tokenizerError);
    return out;
}

GgufMemoryReport ggufMemoryReport(const std::string &path, const std::string &computeDtype)
{
    if (computeDtype != "f32" && computeDtype != "bf16")
        throw Error(path + ": compute dtype '" + computeDtype + "' is not supported; expected f32 or bf16");
    const GgufFile gguf(path);
    GgufMemoryReport r;
    r.path = path;
    r.fileBytes = gguf.file()->size();
    r.computeDtype = computeDtype;
    const uint64_t elementBytes = computeDtype == "bf16" ? 2 : 4;
    std::map<std::string, GgufTypeUsage> byType;
    uint64_t largestTemporary = 0;
    for (const GgufTensorInfo &info : gguf.tensors()) {
        const std::string type = ggmlTypeName(uint32_t(info.type));
        GgufTypeUsage &u = byType[type];
        u.type = type;
        u.tensors += 1;
        u.values += info.numel();
        u.bytes += info.bytes;
        r.values += info.numel();
        r.storedBytes += info.bytes;
        const bool permuted = info.name.find(".attn_q.") != std::string::npos
                              || info.name.find(".attn_k.") != std::string::npos;
        const uint64_t floats = uint64_t(info.numel()) * 4;
        largestTemporary = std::max(largestTemporary, info.bytes + floats + (permuted ? floats : 0));
    }
    for (auto &entry : byType)
        r.types.push_back(entry.second);
    std::stable_sort(r.types.begin(), r.types.end(),
                     [](const GgufTypeUsage &a, const GgufTypeUsage &b) { return a.bytes > b.bytes; });
    r.computeBytes = uint64_t(r.values) * elementBytes;
    r.peakLoadBytes = r.computeBytes + largestTemporary;
    return r;
}

// ---------------------------------------------------------------------------------------
// Export

void exportGguf(LlamaModel &model, const Tokenizer *tokenizer, const std::string &path, const std::string &dtype)
{
    requireBackgroundThread("tb::exportGguf");
    if (dtype != "F32" && dtype != "F16")
        throw Error(path + ": GGUF export dtype '" + dtype + "' is not supported; expected F32 or F16");
    if (hasLora(model)) // GGUF has no place for unmerged adapters
        throw Error(path + ": the model has LoRA adapters; merge them first (mergeLora or mergedCopy) to export "
                    "merged weights");
    const bool f16 = dtype == "F16";
    const ModelConfig &c = model->config();

    GgufWriter w(path);
    w.setString("general.architecture", "llama");
    std::string name = path.substr(path.find_last_of('/') + 1);
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".gguf") == 0)
        name.resize(name.size() - 5);
    w.setString("general.name", name);
    w.setUint32("general.file_type", f16 ? 1 : 0); // LLAMA_FTYPE_ALL_F32 / MOSTLY_F16
    w.setUint32("llama.vocab_size", uint32_t(c.vocabSize));
    w.setUint32("llama.context_length", uint32_t(c.maxPositions));
    w.setUint32("llama.embedding_length", uint32_t(c.hiddenSize));
    w.setUint32("llama.block_count", uint32_t(c.numLayers));
    w.setUint32("llama.feed_forward_length", uint32_t(c.intermediateSize));
    w.setUint32("llama.rope.dimension_count", uint32_t(c.headDim()));
    w.setUint32("llama.attention.head_count", uint32_t(c.numHeads));
    w.setUint32("llama.attention.head_count_kv", uint32_t(c.numKvHeads));
    w.setFloat32("llama.attention.layer_norm_rms_epsilon", float(c.rmsNormEps));
    w.setFloat32("llama.rope.freq_base", float(c.ropeTheta));

    if (tokenizer) {
        if (tokenizer->isHfJson())
            throw Error(path + ": GGUF export of a tokenizer.json tokenizer (" + std::to_string(tokenizer->vocabSize())
                        + " tokens) is not supported yet; export to a Hugging Face folder instead");
        std::vector<VocabEntry> vocab = tokenizer->vocab();
        if (int64_t(vocab.size()) > c.vocabSize)
            throw Error(path + ": the tokenizer has " + std::to_string(vocab.size())
                        + " pieces but the model only " + std::to_string(c.vocabSize) + " embedding rows");
        // Embedding rows past the tokenizer (a padded vocabulary) get placeholder pieces, as
        // llama.cpp's converter writes them, so llama.cpp's vocab size matches token_embd.
        for (int64_t id = int64_t(vocab.size()); id < c.vocabSize; ++id)
            vocab.push_back({"[PAD" + std::to_string(id) + "]", 0.0f, PieceType::Unused});
        std::vector<std::string> pieces;
        std::vector<float> scores;
        std::vector<int32_t> types;
        pieces.reserve(vocab.size());
        for (const VocabEntry &e : vocab) {
            pieces.push_back(e.piece);
            scores.push_back(e.score);
            types.push_back(int32_t(e.type));
        }
        w.setString("tokenizer.ggml.model", "llama");
        w.setStringArray("tokenizer.ggml.tokens", pieces);
        w.setFloat32Array("tokenizer.ggml.scores", scores);
        w.setInt32Array("tokenizer.ggml.token_type", types);
        w.setUint32("tokenizer.ggml.bos_token_id", uint32_t(tokenizer->bosId()));
        w.setUint32("tokenizer.ggml.eos_token_id", uint32_t(tokenizer->eosId()));
        w.setUint32("tokenizer.ggml.unknown_token_id", uint32_t(tokenizer->unkId()));
        if (tokenizer->padId() >= 0)
            w.setUint32("tokenizer.ggml.padding_token_id", uint32_t(tokenizer->padId()));
        w.setBool("tokenizer.ggml.add_bos_token", true);
        w.setBool("tokenizer.ggml.add_eos_token", false);
        if (!tokenizer->addDummyPrefix())
            w.setBool("tokenizer.ggml.add_space_prefix", false);
        if (!tokenizer->chatTemplateSource().empty())
            w.setString("tokenizer.chat_template", tokenizer->chatTemplateSource());
    }

    for (const auto &param : model->named_parameters()) {
        const std::string &hf = param.key();
        const std::string g = hfToGgufName(hf);
        if (g.empty())
            throw Error(path + ": parameter '" + hf + "' has no GGUF name");
        torch::Tensor t = param.value();
        std::vector<int64_t> ne(t.sizes().rbegin(), t.sizes().rend());
        // Norms (1-D) stay F32 in an F16 file, as llama.cpp's converter keeps them.
        const bool half = f16 && t.dim() >= 2;
        int64_t permuteHeads = 0;
        if (hf.find(".self_attn.q_proj.") != std::string::npos)
            permuteHeads = c.numHeads;
        else if (hf.find(".self_attn.k_proj.") != std::string::npos)
            permuteHeads = c.numKvHeads;
        w.addTensor(g, ne, half ? GgmlType::F16 : GgmlType::F32, [t, half, permuteHeads]() {
            torch::NoGradGuard noGrad;
            torch::Tensor v = t.detach().to(torch::kCPU, torch::kFloat);
            if (permuteHeads > 0)
                v = halvesToInterleaved(v, permuteHeads); // HF rotate-half -> Meta interleaved
            v = v.to(half ? torch::kHalf : torch::kFloat).contiguous();
            return std::string(static_cast<const char *>(v.data_ptr()), size_t(v.nbytes()));
        });
    }
    w.finish();
}

} // namespace tb
