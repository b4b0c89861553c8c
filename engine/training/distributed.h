#pragma once

#include "batching.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tb {

// Where this process stands in a data-parallel job, read from torchrun's variables:
// RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT. Without
// WORLD_SIZE (or with WORLD_SIZE=1) the run is a plain single process.
struct DistributedEnv {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    int localWorldSize = 1; // processes on this machine (shares its cores)
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    std::string glooInterface; // GLOO_SOCKET_IFNAME: the interface Gloo's sockets bind to
    // TORCHELASTIC_USE_AGENT_STORE=True: torchrun's agent already serves the store at
    // MASTER_ADDR:MASTER_PORT, so rank 0 joins it as a client instead of hosting one.
    bool agentStore = false;
    int restartCount = 0; // TORCHELASTIC_RESTART_COUNT: keys of an earlier attempt stay apart

    bool enabled() const { return worldSize > 1; }
    // Throws tb::Error naming the variable that is missing or malformed.
    static DistributedEnv fromEnvironment();
};

// One rank's view of a c10d process group: TCPStore rendezvous (rank 0 hosts the store)
// and ProcessGroupGloo on CPU. Every collective waits at most `timeout`; a rank that died
// or hangs makes the others throw tb::Error instead of waiting forever. All ranks must call
// the collectives in the same order.
//
// A single process is a world of one (env.worldSize == 1): it connects to nothing, and every
// collective returns at once with this process's own values. The trainer calls the same
// collectives either way, so it has no single-process branches.
class Distributed {
public:
    Distributed(const DistributedEnv &env, std::chrono::milliseconds timeout);
    ~Distributed();
    Distributed(const Distributed &) = delete;
    Distributed &operator=(const Distributed &) = delete;

    int rank() const { return m_env.rank; }
    int worldSize() const { return m_env.worldSize; }
    bool isMain() const { return m_env.rank == 0; }
    bool alone() const { return m_env.worldSize == 1; }
    const DistributedEnv &env() const { return m_env; }

    // Copies rank 0's tensors into every rank's (in place): identical replicas at the start.
    void broadcastFromMain(const std::vector<torch::Tensor> &tensors, const std::string &what);
    // Sums over ranks, exactly (int64).
    std::vector<int64_t> sum(const std::vector<int64_t> &values, const std::string &what);
    double sum(double value, const std::string &what);
    // Sums every parameter's .grad() over ranks in flat buckets of about `bucketBytes`, all
    // launched before the first wait. A parameter without a gradient counts as zeros.
    void sumGradients(const std::vector<torch::Tensor> &parameters, int64_t bucketBytes = 25 << 20);
    // Every rank's bytes (each rank gives the same length), in rank order.
    std::vector<std::vector<uint8_t>> gather(const std::vector<uint8_t> &bytes, const std::string &what);
    // Rank 0's value under `key` through the store (e.g. a tokenizer trained on rank 0).
    std::string shareFromMain(const std::string &key, const std::string &value);
    void barrier(const std::string &what);

    // This rank's rows of a global batch (shardBatch); the batch itself in a world of one.
    Batch shard(const Batch &global) const;
    // Proves the replicas bitwise equal at `step` (throws tb::Error naming the step when they
    // differ) and returns every rank's parameter fingerprint; nothing in a world of one.
    std::vector<uint64_t> checkReplicas(const std::vector<torch::Tensor> &parameters, int64_t step);

private:
    struct Impl;
    DistributedEnv m_env;
    std::chrono::milliseconds m_timeout;
    std::unique_ptr<Impl> d;
    [[noreturn]] void fail(const std::string &what, const std::exception &e) const;
};

// The job this process belongs to when torchrun's variables say WORLD_SIZE > 1 (joined
// within `timeoutSeconds`), or a world of one for a single-process run.
std::unique_ptr<Distributed> joinDistributedFromEnvironment(double timeoutSeconds);

// Rows [r·n/W, (r+1)·n/W) of a global batch of n rows: rank r's disjoint share of what one
// process would train on. trainedTokens and examples are recounted.
Batch shardBatch(const Batch &global, int rank, int worldSize);

// A hash of the parameters' bytes: equal on every rank when the replicas are bitwise equal.
uint64_t parameterFingerprint(const std::vector<torch::Tensor> &parameters);

} // namespace tb
