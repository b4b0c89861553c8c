#pragma once

#include "dataset.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace tb {

struct BatchOptions {
    int64_t batchSize = 8;      // rows per batch
    int64_t contextLength = 2048;
    // Packing: several examples share a row (first fit in the epoch's order); attention and
    // rotary positions restart at every example. Off: one example per row, padded.
    bool packing = false;
    bool shuffle = true;        // a new order each epoch, fixed by (seed, epoch)
    uint64_t seed = 0;
    int64_t padId = 0;          // what padding holds; it is never a target nor attended to
    bool dropLast = false;      // drop a last batch with fewer than batchSize rows
};

// One step's input. Targets are already shifted: targets[b][t] is the token position t
// must predict (ids[b][t + 1]), or kIgnoreIndex (-100, cross_entropy's default) where no
// loss is taken: untrained tokens, the last token of each example, and padding.
struct Batch {
    at::Tensor ids;         // (B, T) int64
    at::Tensor targets;     // (B, T) int64, kIgnoreIndex where ignored
    at::Tensor segmentIds;  // (B, T) int64: 1, 2, … per example in a row, 0 for padding
    at::Tensor positionIds; // (B, T) int64: restart at 0 for each example
    at::Tensor labels;      // (B) int64 classification labels, one example per row; -1 otherwise
    at::Tensor lastIndex;   // (B) int64 position of each row's last real token (class head)
    int64_t trainedTokens = 0; // targets != kIgnoreIndex
    int64_t examples = 0;
};

// The batches of one epoch over `examples`, planned up front (order and packing) and built
// on demand: cheap enough to call every step, with no tokenisation. Deterministic for
// (seed, epoch). Holds a reference: `examples` must outlive it. Read-only after
// construction, so batches may be built from any thread.
class BatchIterator {
public:
    // Throws tb::Error for an example longer than the context, packing of classification
    // examples (one label per row), or a batch size or context under 1.
    BatchIterator(const std::vector<Example> &examples, const BatchOptions &options, int64_t epoch);

    int64_t size() const { return int64_t(m_batches.size()); }
    Batch batch(int64_t index) const;
    // The example indices of each row of batch `index` (for tests and reports).
    const std::vector<std::vector<size_t>> &rows(int64_t index) const { return m_batches[size_t(index)]; }

private:
    const std::vector<Example> &m_examples;
    BatchOptions m_options;
    std::vector<std::vector<std::vector<size_t>>> m_batches; // batch -> row -> example indices
};

} // namespace tb
