#include "distributed.h"

#include "error.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cstdlib>
#include <cstring>

namespace tb {

namespace {

std::string envValue(const char *name)
{
    const char *v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

int envInt(const char *name, int fallback, int minimum)
{
    const std::string text = envValue(name);
    if (text.empty())
        return fallback;
    size_t used = 0;
    int value = 0;
    try {
        value = std::stoi(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used != text.size() || value < minimum)
        throw Error(std::string("distributed launch: ") + name + "=\"" + text + "\" is not a whole number >= "
                    + std::to_string(minimum));
    return value;
}

// c10 errors carry a stack trace after the first line; the user needs the first line.
std::string firstLine(const char *text)
{
    std::string s(text);
    const size_t end = s.find('\n');
    return end == std::string::npos ? s : s.substr(0, end);
}

std::string seconds(std::chrono::milliseconds t)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g s", double(t.count()) / 1000.0);
    return text;
}

bool isLoopback(const std::string &host)
{
    return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

} // namespace

DistributedEnv DistributedEnv::fromEnvironment()
{
    DistributedEnv e;
    e.worldSize = envInt("WORLD_SIZE", 1, 1);
    if (e.worldSize == 1)
        return e;
    if (envValue("RANK").empty())
        throw Error("distributed launch: WORLD_SIZE=" + std::to_string(e.worldSize)
                    + " but RANK is not set; set RANK (0 .. WORLD_SIZE-1) as torchrun does");
    e.rank = envInt("RANK", 0, 0);
    if (e.rank >= e.worldSize)
        throw Error("distributed launch: RANK=" + std::to_string(e.rank) + " is not below WORLD_SIZE="
                    + std::to_string(e.worldSize));
    e.localRank = envInt("LOCAL_RANK", e.rank, 0);
    e.localWorldSize = envInt("LOCAL_WORLD_SIZE", 1, 1);
    if (const std::string addr = envValue("MASTER_ADDR"); !addr.empty())
        e.masterAddr = addr;
    e.masterPort = envInt("MASTER_PORT", 29500, 1);
    if (e.masterPort > 65535)
        throw Error("distributed launch: MASTER_PORT=" + std::to_string(e.masterPort) + " is not a TCP port");
    e.glooInterface = envValue("GLOO_SOCKET_IFNAME");
    e.agentStore = envValue("TORCHELASTIC_USE_AGENT_STORE") == "True";
    e.restartCount = envInt("TORCHELASTIC_RESTART_COUNT", 0, 0);
    return e;
}

struct Distributed::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

Distributed::Distributed(const DistributedEnv &env, std::chrono::milliseconds timeout)
    : m_env(env), m_timeout(timeout), d(std::make_unique<Impl>())
{
    if (alone())
        return;
    try {
        // Rank 0 hosts the store and waits (up to the timeout) until every rank has joined.
        c10d::TCPStoreOptions options;
        options.port = uint16_t(env.masterPort);
        options.isServer = env.rank == 0 && !env.agentStore;
        options.numWorkers = size_t(env.worldSize);
        options.waitWorkers = true;
        options.timeout = timeout;
        auto tcp = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, options);
        d->store = c10::make_intrusive<c10d::PrefixStore>("tunebench/attempt_" + std::to_string(env.restartCount), tcp);
    } catch (const std::exception &e) {
        throw Error("distributed training: rank " + std::to_string(env.rank) + " of " + std::to_string(env.worldSize)
                    + ": rendezvous at " + env.masterAddr + ":" + std::to_string(env.masterPort) + " failed within "
                    + seconds(timeout) + " (dist_timeout_s): " + firstLine(e.what())
                    + ". Check that every rank was started with the same MASTER_ADDR, MASTER_PORT and WORLD_SIZE, "
                      "and that rank 0 can be reached on that port");
    }
    try {
        auto options = c10d::ProcessGroupGloo::Options::create(timeout);
        // Gloo's sockets bind to the interface the user names, or to loopback for a local job.
        if (!env.glooInterface.empty())
            options->devices = {c10d::ProcessGroupGloo::createDeviceForInterface(env.glooInterface)};
        else if (isLoopback(env.masterAddr))
            options->devices = {c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")};
        else
            options->devices = {c10d::ProcessGroupGloo::createDefaultDevice()};
        options->threads = 2;
        d->group = c10::make_intrusive<c10d::ProcessGroupGloo>(d->store, env.rank, env.worldSize, options);
    } catch (const std::exception &e) {
        fail("connecting the process group", e);
    }
}

Distributed::~Distributed() = default;

void Distributed::fail(const std::string &what, const std::exception &e) const
{
    throw Error("distributed training: rank " + std::to_string(m_env.rank) + " of " + std::to_string(m_env.worldSize)
                + ": " + what + " failed (waited at most " + seconds(m_timeout) + ", dist_timeout_s): " + firstLine(e.what())
                + ". Another rank died, hung or cannot be reached; the run stops");
}

void Distributed::broadcastFromMain(const std::vector<torch::Tensor> &tensors, const std::string &what)
{
    if (alone())
        return;
    try {
        std::vector<c10::intrusive_ptr<c10d::Work>> works;
        for (const torch::Tensor &t : tensors) {
            std::vector<at::Tensor> one{t.detach()};
            c10d::BroadcastOptions o;
            o.rootRank = 0;
            works.push_back(d->group->broadcast(one, o));
        }
        for (auto &w : works)
            w->wait(m_timeout);
    } catch (const std::exception &e) {
        fail("broadcast of " + what, e);
    }
}

std::vector<int64_t> Distributed::sum(const std::vector<int64_t> &values, const std::string &what)
{
    if (alone())
        return values;
    torch::Tensor t = torch::tensor(values, torch::kInt64);
    try {
        std::vector<at::Tensor> one{t};
        d->group->allreduce(one)->wait(m_timeout);
    } catch (const std::exception &e) {
        fail("sum of " + what, e);
    }
    return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
}

double Distributed::sum(double value, const std::string &what)
{
    if (alone())
        return value;
    torch::Tensor t = torch::tensor({value}, torch::kFloat64);
    try {
        std::vector<at::Tensor> one{t};
        d->group->allreduce(one)->wait(m_timeout);
    } catch (const std::exception &e) {
        fail("sum of " + what, e);
    }
    return t.item<double>();
}

void Distributed::sumGradients(const std::vector<torch::Tensor> &parameters, int64_t bucketBytes)
{
    if (alone())
        return;
    torch::NoGradGuard noGrad;
    // Buckets of consecutive parameters of one dtype, flattened into one buffer each.
    struct Bucket {
        std::vector<torch::Tensor> grads;
        torch::Tensor flat;
        c10::intrusive_ptr<c10d::Work> work;
    };
    std::vector<Bucket> buckets;
    int64_t bytes = 0;
    for (const torch::Tensor &p : parameters) {
        torch::Tensor &grad = const_cast<torch::Tensor &>(p).mutable_grad();
        if (!grad.defined())
            grad = torch::zeros_like(p);
        const int64_t size = grad.numel() * int64_t(grad.element_size());
        if (buckets.empty() || bytes + size > bucketBytes || buckets.back().grads.front().dtype() != grad.dtype()) {
            buckets.emplace_back();
            bytes = 0;
        }
        buckets.back().grads.push_back(grad);
        bytes += size;
    }
    try {
        // Every bucket is in flight before the first wait: Gloo's threads overlap them.
        for (Bucket &b : buckets) {
            std::vector<torch::Tensor> flats;
            for (const torch::Tensor &g : b.grads)
                flats.push_back(g.reshape({-1}));
            b.flat = torch::cat(flats);
            std::vector<at::Tensor> one{b.flat};
            b.work = d->group->allreduce(one);
        }
        for (Bucket &b : buckets) {
            b.work->wait(m_timeout);
            int64_t offset = 0;
            for (torch::Tensor &g : b.grads) {
                g.copy_(b.flat.narrow(0, offset, g.numel()).view_as(g));
                offset += g.numel();
            }
        }
    } catch (const std::exception &e) {
        fail("all-reduce of the gradients", e);
    }
}

std::vector<std::vector<uint8_t>> Distributed::gather(const std::vector<uint8_t> &bytes, const std::string &what)
{
    if (alone())
        return {bytes};
    torch::Tensor mine = torch::from_blob(const_cast<uint8_t *>(bytes.data()), {int64_t(bytes.size())}, torch::kUInt8)
                             .clone();
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < m_env.worldSize; ++r)
        outputs[0].push_back(torch::empty_like(mine));
    try {
        std::vector<at::Tensor> inputs{mine};
        d->group->allgather(outputs, inputs)->wait(m_timeout);
    } catch (const std::exception &e) {
        fail("gathering " + what, e);
    }
    std::vector<std::vector<uint8_t>> result;
    for (const torch::Tensor &t : outputs[0])
        result.emplace_back(t.data_ptr<uint8_t>(), t.data_ptr<uint8_t>() + t.numel());
    return result;
}

std::string Distributed::shareFromMain(const std::string &key, const std::string &value)
{
    if (alone())
        return value;
    try {
        if (isMain()) {
            d->store->set(key, std::vector<uint8_t>(value.begin(), value.end()));
            return value;
        }
        const std::vector<uint8_t> got = d->store->get(key);
        return std::string(got.begin(), got.end());
    } catch (const std::exception &e) {
        fail("sharing " + key + " from rank 0", e);
    }
}

void Distributed::barrier(const std::string &what)
{
    if (alone())
        return;
    try {
        d->group->barrier()->wait(m_timeout);
    } catch (const std::exception &e) {
        fail(what, e);
    }
}

Batch Distributed::shard(const Batch &global) const
{
    return alone() ? global : shardBatch(global, rank(), worldSize());
}

std::vector<uint64_t> Distributed::checkReplicas(const std::vector<torch::Tensor> &parameters, int64_t step)
{
    if (alone())
        return {};
    std::vector<uint8_t> hash(8);
    const uint64_t mine = parameterFingerprint(parameters);
    std::memcpy(hash.data(), &mine, 8);
    std::vector<uint64_t> all;
    for (const auto &bytes : gather(hash, "the parameter fingerprints")) {
        uint64_t h = 0;
        std::memcpy(&h, bytes.data(), 8);
        all.push_back(h);
    }
    for (uint64_t h : all)
        if (h != all.front())
            throw Error("distributed training: the replicas differ at step " + std::to_string(step)
                        + " (parameter fingerprints of the ranks are not equal); the run stops");
    return all;
}

std::unique_ptr<Distributed> joinDistributedFromEnvironment(double timeoutSeconds)
{
    const DistributedEnv env = DistributedEnv::fromEnvironment();
    return std::make_unique<Distributed>(env, std::chrono::milliseconds(int64_t(timeoutSeconds * 1000.0)));
}

Batch shardBatch(const Batch &global, int rank, int worldSize)
{
    const int64_t n = global.ids.size(0);
    const int64_t begin = n * rank / worldSize, end = n * (rank + 1) / worldSize;
    auto rows = [&](const torch::Tensor &t) { return t.defined() ? t.narrow(0, begin, end - begin) : t; };
    Batch b;
    b.ids = rows(global.ids);
    b.targets = rows(global.targets);
    b.segmentIds = rows(global.segmentIds);
    b.positionIds = rows(global.positionIds);
    b.labels = rows(global.labels);
    b.lastIndex = rows(global.lastIndex);
    b.trainedTokens = b.targets.defined() ? (b.targets != kIgnoreIndex).sum().item<int64_t>() : 0;
    b.examples = b.segmentIds.defined() && b.segmentIds.numel() > 0 ? b.segmentIds.amax(1).sum().item<int64_t>() : 0;
    return b;
}

uint64_t parameterFingerprint(const std::vector<torch::Tensor> &parameters)
{
    uint64_t h = 1469598103934665603ULL; // FNV-1a
    for (const torch::Tensor &p : parameters) {
        const torch::Tensor c = p.detach().contiguous();
        const auto *bytes = static_cast<const uint8_t *>(c.data_ptr());
        const size_t n = size_t(c.numel()) * c.element_size();
        for (size_t i = 0; i < n; ++i) {
            h ^= bytes[i];
            h *= 1099511628211ULL;
        }
    }
    return h;
}

} // namespace tb
