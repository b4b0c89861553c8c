#include "batching.h"

#include "error.h"
#include "seeded_shuffle.h"

#include <algorithm>
#include <numeric>
#include <torch/torch.h>

namespace tb {

BatchIterator::BatchIterator(const std::vector<Example> &examples, const BatchOptions &options, int64_t epoch)
    : m_examples(examples), m_options(options)
{
    if (options.batchSize < 1 || options.contextLength < 2)
        throw Error("batching: expected a batch size of at least 1 and a context of at least 2, found "
                    + std::to_string(options.batchSize) + " and " + std::to_string(options.contextLength));
    for (size_t i = 0; i < examples.size(); ++i) {
        const Example &e = examples[i];
        if (int64_t(e.ids.size()) > options.contextLength || e.ids.size() != e.trained.size())
            throw Error("batching: example " + std::to_string(i) + " (line " + std::to_string(e.sourceLine)
                        + ") has " + std::to_string(e.ids.size()) + " tokens; expected at most the context of "
                        + std::to_string(options.contextLength) + " and one trained flag per token");
        if (options.packing && e.label >= 0)
            throw Error("batching: classification examples carry one label per row and cannot be packed");
    }

    std::vector<size_t> order(examples.size());
    std::iota(order.begin(), order.end(), size_t(0));
    if (options.shuffle) {
        // Mixing the epoch into the seed gives each epoch its own order, reproducibly.
        seededShuffle(order, options.seed ^ (uint64_t(epoch) * 0xD1B54A32D192ED03ull));
    }

    std::vector<std::vector<size_t>> rows;
    if (options.packing) {
        // First fit over the open rows keeps the order mostly intact and fills rows well.
        std::vector<int64_t> used;
        for (size_t index : order) {
            const int64_t length = int64_t(examples[index].ids.size());
            size_t r = 0;
            while (r < rows.size() && used[r] + length > options.contextLength)
                ++r;
            if (r == rows.size()) {
                rows.emplace_back();
                used.push_back(0);
            }
            rows[r].push_back(index);
            used[r] += length;
        }
    } else {
        for (size_t index : order)
            rows.push_back({index});
    }
    for (size_t begin = 0; begin < rows.size(); begin += size_t(options.batchSize)) {
        const size_t end = std::min(rows.size(), begin + size_t(options.batchSize));
        if (options.dropLast && end - begin < size_t(options.batchSize))
            break;
        m_batches.emplace_back(rows.begin() + long(begin), rows.begin() + long(end));
    }
}

Batch BatchIterator::batch(int64_t index) const
{
    if (index < 0 || index >= size())
        throw Error("batching: batch " + std::to_string(index) + " out of range; this epoch has "
                    + std::to_string(size()));
    const auto &rows = m_batches[size_t(index)];
    const int64_t B = int64_t(rows.size());
    // Padding mode pads to the longest row of this batch, not to the context: less compute.
    int64_t T = 0;
    for (const auto &row : rows) {
        int64_t length = 0;
        for (size_t e : row)
            length += int64_t(m_examples[e].ids.size());
        T = std::max(T, length);
    }

    Batch batch;
    batch.ids = torch::full({B, T}, m_options.padId, torch::kLong);               // (B, T)
    batch.targets = torch::full({B, T}, kIgnoreIndex, torch::kLong);              // (B, T)
    batch.segmentIds = torch::zeros({B, T}, torch::kLong);                        // (B, T)
    batch.positionIds = torch::zeros({B, T}, torch::kLong);                       // (B, T)
    batch.labels = torch::full({B}, int64_t(-1), torch::kLong);                   // (B)
    batch.lastIndex = torch::zeros({B}, torch::kLong);                            // (B)
    auto ids = batch.ids.accessor<int64_t, 2>();
    auto targets = batch.targets.accessor<int64_t, 2>();
    auto segments = batch.segmentIds.accessor<int64_t, 2>();
    auto positions = batch.positionIds.accessor<int64_t, 2>();
    auto labels = batch.labels.accessor<int64_t, 1>();
    auto last = batch.lastIndex.accessor<int64_t, 1>();
    for (int64_t b = 0; b < B; ++b) {
        int64_t t = 0;
        int64_t segment = 0;
        for (size_t e : rows[size_t(b)]) {
            const Example &example = m_examples[e];
            ++segment;
            const int64_t n = int64_t(example.ids.size());
            for (int64_t i = 0; i < n; ++i) {
                ids[b][t + i] = example.ids[size_t(i)];
                segments[b][t + i] = segment;
                positions[b][t + i] = i;
                // Position i predicts token i + 1 of the same example, if that one is trained.
                if (i + 1 < n && example.trained[size_t(i + 1)]) {
                    targets[b][t + i] = example.ids[size_t(i + 1)];
                    ++batch.trainedTokens;
                }
            }
            t += n;
            labels[b] = example.label;
            ++batch.examples;
        }
        last[b] = std::max<int64_t>(t - 1, 0);
        // Padding is its own segment; its positions restart too, staying inside the model's range.
        for (int64_t p = t; p < T; ++p)
            positions[b][p] = p - t;
    }
    return batch;
}

} // namespace tb
