// llama2.c checkpoints (Karpathy's run.c, "version 0"): a 7 x int32 header followed by
// float32 arrays in a fixed order, every layer's copy of one weight stored together.
#include "llama2c.h"

#include "error.h"
#include "file_util.h"
#include "imported_model.h"
#include "rotary_permute.h"
#include "stored_tensor.h"

#include <cstring>
#include <torch/torch.h>

namespace tb {

namespace {

struct Llama2cHeader {
    int32_t dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen;
};

} // namespace

ImportedModel importLlama2c(const std::string &path)
{
    auto file = std::make_shared<ReadOnlyFile>(path);
    constexpr uint64_t kHeaderBytes = sizeof(Llama2cHeader);
    static_assert(kHeaderBytes == 28, "seven int32");
    if (file->size() < kHeaderBytes)
        throw Error(path + ": " + std::to_string(file->size())
                    + " bytes is too short for a llama2.c checkpoint; expected a 28-byte header and weights");
    Llama2cHeader h {};
    readExact(file->fd(), path, 0, &h, kHeaderBytes);

    // A negative vocabulary size is llama2.c's flag for an unshared classifier (wcls).
    const bool sharedClassifier = h.vocabSize > 0;
    const int64_t vocab = h.vocabSize > 0 ? h.vocabSize : -int64_t(h.vocabSize);
    const int64_t dim = h.dim, hidden = h.hiddenDim, layers = h.nLayers, heads = h.nHeads;
    const int64_t kvHeads = h.nKvHeads, seqLen = h.seqLen;
    // Bounds that keep every product below in int64 and reject non-llama2.c files early.
    constexpr int64_t kMax = 1 << 20;
    auto inRange = [&](int64_t v) { return v > 0 && v <= kMax; };
    if (!inRange(dim) || !inRange(hidden) || !inRange(layers) || !inRange(heads) || !inRange(kvHeads)
        || !inRange(vocab) || !inRange(seqLen) || dim % heads != 0 || heads % kvHeads != 0
        || (dim / heads) % 2 != 0)
        throw Error(path + ": not a llama2.c checkpoint: header (dim " + std::to_string(h.dim) + ", hidden "
                    + std::to_string(h.hiddenDim) + ", layers " + std::to_string(h.nLayers) + ", heads "
                    + std::to_string(h.nHeads) + ", kv heads " + std::to_string(h.nKvHeads) + ", vocab "
                    + std::to_string(h.vocabSize) + ", seq_len " + std::to_string(h.seqLen)
                    + ") does not describe a model");
    const int64_t headDim = dim / heads;
    const int64_t kvDim = kvHeads * headDim;

    ModelConfig c;
    c.vocabSize = vocab;
    c.hiddenSize = dim;
    c.intermediateSize = hidden;
    c.numLayers = layers;
    c.numHeads = heads;
    c.numKvHeads = kvHeads;
    c.maxPositions = seqLen;
    c.rmsNormEps = 1e-5;   // run.c hard-codes both
    c.ropeTheta = 10000.0;
    c.tieWordEmbeddings = sharedClassifier;
    c.validate(path);

    ImportedModel out;
    out.config = c;
    out.format = "llama2c";
    out.path = path;
    out.storedDtype = "F32";

    uint64_t offset = kHeaderBytes;
    // One llama2.c array: `count` consecutive blocks of `shape`, each one HF tensor (%d in
    // the name is the layer). Offsets advance in file order.
    auto add = [&](const std::string &pattern, int64_t count, std::vector<int64_t> shape, int64_t permuteHeads) {
        int64_t numel = 1;
        for (int64_t d : shape)
            numel *= d;
        const uint64_t bytes = uint64_t(numel) * 4;
        for (int64_t i = 0; i < count; ++i) {
            std::string name = pattern;
            const size_t at = name.find("%d");
            if (at != std::string::npos)
                name.replace(at, 2, std::to_string(i));
            StoredTensor t;
            t.name = name;
            t.dtype = "F32";
            t.shape = shape;
            t.file = path;
            const uint64_t at0 = offset;
            t.readInto = [file, at0, shape, permuteHeads](torch::Tensor &dst) {
                torch::NoGradGuard noGrad;
                if (permuteHeads == 0) {
                    readPlainInto(file->fd(), file->path(), at0, "F32", dst);
                    return;
                }
                auto tmp = torch::empty(shape, torch::kFloat);
                readPlainInto(file->fd(), file->path(), at0, "F32", tmp);
                dst.copy_(interleavedToHalves(tmp, permuteHeads)); // Meta -> HF rotate-half
            };
            out.tensors.emplace(name, std::move(t));
            offset += bytes;
        }
    };
    const std::string layer = "model.layers.%d.";
    add("model.embed_tokens.weight", 1, {vocab, dim}, 0);
    add(layer + "input_layernorm.weight", layers, {dim}, 0);
    add(layer + "self_attn.q_proj.weight", layers, {dim, dim}, heads);
    add(layer + "self_attn.k_proj.weight", layers, {kvDim, dim}, kvHeads);
    add(layer + "self_attn.v_proj.weight", layers, {kvDim, dim}, 0);
    add(layer + "self_attn.o_proj.weight", layers, {dim, dim}, 0);
    add(layer + "post_attention_layernorm.weight", layers, {dim}, 0);
    add(layer + "mlp.gate_proj.weight", layers, {hidden, dim}, 0); // w1
    add(layer + "mlp.down_proj.weight", layers, {dim, hidden}, 0); // w2
    add(layer + "mlp.up_proj.weight", layers, {hidden, dim}, 0);   // w3
    add("model.norm.weight", 1, {dim}, 0);
    // freq_cis_real / freq_cis_imag: the rotary tables, recomputed from theta; skipped.
    offset += 2 * uint64_t(seqLen) * uint64_t(headDim / 2) * 4;
    if (!sharedClassifier)
        add("lm_head.weight", 1, {vocab, dim}, 0);

    if (file->size() != offset)
        throw Error(path + ": llama2.c checkpoint is " + std::to_string(file->size())
                    + " bytes but its header (dim " + std::to_string(dim) + ", layers " + std::to_string(layers)
                    + ", vocab " + std::to_string(h.vocabSize) + ") needs exactly " + std::to_string(offset)
                    + (file->size() < offset ? " (truncated file?)" : " (trailing data: not a v0 checkpoint?)"));
    return out;
}

} // namespace tb
