// RunDirectory, the one reader and writer of run folders: what a run is, its latest and best
// checkpoints, its summary and metrics, and that a run folder written by an earlier version
// (tests/data/runs/v1-chat, see its README) still opens, loads and resumes exactly.
#include "engine_test_util.h"
#include "error.h"
#include "file_util.h"
#include "model_loader.h"
#include "run_checkpoint.h"
#include "run_directory.h"
#include "test_support.h"
#include "trainer.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

QString golden()
{
    return tbtest::sourceDir() + "/tests/data/runs/v1-chat";
}

// A fresh copy of the golden run folder (tests write into it), with its data file beside it.
QString copyGolden(const QString &name)
{
    const fs::path to = fs::path(tbtest::tempDir().toStdString()) / name.toStdString();
    fs::remove_all(to);
    fs::copy(fs::path(golden().toStdString()), to, fs::copy_options::recursive);
    return QString::fromStdString(to.string());
}

} // namespace

class TestRunDirectory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void goldenRunOpens()
    {
        const std::string path = (copyGolden("open") + "/run").toStdString();
        QVERIFY(tb::RunDirectory::isRun(path));
        const tb::RunDirectory run(path);
        const auto checkpoints = run.checkpoints();
        QCOMPARE(checkpoints.size(), size_t(2));
        QCOMPARE(checkpoints[0].step, int64_t(4));
        QCOMPARE(checkpoints[1].step, int64_t(8));
        QCOMPARE(run.latestCheckpoint()->step, int64_t(8));
        // run.json names the best by the path it had when written (another folder): the
        // folder name finds it here.
        QCOMPARE(run.bestCheckpoint()->step, int64_t(4));
        QCOMPARE(run.weightsToLoad(), run.checkpointFolder(4));
        QCOMPARE(tb::resolveCheckpoint(path), run.checkpointFolder(4));

        const auto summary = run.readSummary();
        QVERIFY(summary.has_value());
        QCOMPARE(summary->status, std::string("finished"));
        QCOMPARE(summary->steps, int64_t(8));
        QCOMPARE(summary->totalSteps, int64_t(8));
        QVERIFY(summary->hasBest);
        QCOMPARE(summary->bestStep, int64_t(4));
        QCOMPARE(summary->earlyStoppingMetric, std::string("val_loss"));
        QVERIFY(std::abs(summary->finalMetrics.at("val_loss") - 3.134524063325264) < 1e-12);

        const tb::TrainConfig config = run.readConfig();
        QCOMPARE(config.maxSteps, int64_t(8));
        QCOMPARE(config.hiddenSize, int64_t(16));

        const tb::TrainerState state = run.readTrainerState(run.checkpointFolder(8));
        QCOMPARE(state.step, int64_t(8));
        QCOMPARE(state.kind, std::string("model"));
        QCOMPARE(state.bestCheckpoint, std::string("step-00000004"));
        QVERIFY(state.hasEarlyStopping);
        QCOMPARE(state.earlyStoppingBestStep, int64_t(4));
        QVERIFY(!state.torchRng.empty());

        // 3 evaluations (steps 0, 4 and the final 8) and 8 steps, in order.
        const auto events = run.readMetrics();
        QCOMPARE(events.size(), size_t(11));
        int steps = 0, evals = 0;
        for (const tb::TrainEvent &e : events)
            (e.kind == tb::TrainEvent::Kind::Step ? steps : evals)++;
        QCOMPARE(steps, 8);
        QCOMPARE(evals, 3);
        QVERIFY(events.back().final);
        QVERIFY(events.back().metrics.count("val_token_acc"));

        // The best checkpoint loads as a model.
        const tb::LoadedModel loaded = tb::loadCheckpoint(path);
        QCOMPARE(loaded.model->config().hiddenSize, int64_t(16));
    }

    // The metrics file's lines round-trip: what is written is what the readers see.
    void metricsLinesRoundTrip()
    {
        const std::string path = (copyGolden("lines") + "/run/metrics.jsonl").toStdString();
        std::ifstream in(path);
        std::string line;
        int lines = 0;
        while (std::getline(in, line)) {
            const auto e = tb::parseMetricsLine(line);
            QVERIFY2(e.has_value(), line.c_str());
            QCOMPARE(tb::metricsLine(*e), nlohmann::ordered_json::parse(line).dump());
            ++lines;
        }
        QCOMPARE(lines, 11);
        QVERIFY(!tb::parseMetricsLine("{\"step\": 3, \"loss\": 2.5").has_value()); // a torn line
        QVERIFY(!tb::parseMetricsLine("[1, 2]").has_value());
    }

    // An interrupted run: no run.json, a half-written checkpoint. The latest complete
    // checkpoint's state names the best; the staging folder is never a checkpoint.
    void interruptedRun()
    {
        const QString dir = copyGolden("interrupted") + "/run";
        const tb::RunDirectory run(dir.toStdString());
        fs::remove(run.summaryPath());
        fs::create_directories(run.checkpointFolder(12) + ".tmp");
        fs::create_directories(run.checkpointFolder(16)); // no trainer_state.json: incomplete
        fs::create_directories(run.checkpointsPath() + "/notes");
        QVERIFY(!run.readSummary().has_value());
        QCOMPARE(run.checkpoints().size(), size_t(2));
        QCOMPARE(run.latestCheckpoint()->step, int64_t(8));
        QCOMPARE(run.bestCheckpoint()->step, int64_t(4));
        // Latest is by step number, not by name: step 100000000 sorts after step 99999999.
        const std::string big = run.checkpointsPath() + "/step-100000000";
        fs::copy(run.checkpointFolder(8), big, fs::copy_options::recursive);
        fs::copy(run.checkpointFolder(8), run.checkpointFolder(99999999), fs::copy_options::recursive);
        QCOMPARE(run.latestCheckpoint()->step, int64_t(100000000));
    }

    // "Is this a run?" has one answer: a model folder has config.json but no metrics.
    void whatIsARun()
    {
        const QString dir = copyGolden("what");
        QVERIFY(!tb::RunDirectory::isRun(dir.toStdString()));
        QVERIFY(!tb::RunDirectory::isRun((dir + "/run/checkpoints/step-00000004").toStdString()));
        QCOMPARE(tb::resolveCheckpoint((dir + "/run/checkpoints/step-00000008").toStdString()),
                 (dir + "/run/checkpoints/step-00000008").toStdString());
        const auto runs = tb::RunDirectory::findRuns(dir.toStdString());
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0], (dir + "/run").toStdString());
        QCOMPARE(tb::RunDirectory::findRuns((dir + "/run").toStdString()), runs); // a run is its own list
        fs::remove_all((dir + "/run/checkpoints").toStdString());
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::RunDirectory((dir + "/run").toStdString()).weightsToLoad());
    }

    // Damaged files: the error names the file.
    void damagedFilesNameTheFile()
    {
        const QString dir = copyGolden("damaged") + "/run";
        const tb::RunDirectory run(dir.toStdString());
        tbtest::writeBytes(run.summaryPath(), "{\"status\": ");
        try {
            run.readSummary();
            QFAIL("a torn run.json was accepted");
        } catch (const tb::Error &e) {
            QVERIFY2(std::string(e.what()).find("run.json") != std::string::npos, e.what());
        }
        const std::string state = run.checkpointFolder(8) + "/trainer_state.json";
        tbtest::writeBytes(state, "{\"step\": -50, \"epoch\": 0, \"batch_index\": 0, \"torch_rng\": []}");
        try {
            run.readTrainerState(run.checkpointFolder(8));
            QFAIL("a negative step was accepted");
        } catch (const tb::Error &e) {
            QVERIFY2(std::string(e.what()).find("trainer_state.json") != std::string::npos, e.what());
        }
        tbtest::writeBytes(state, "{\"step\": \"eight\"}");
        try {
            run.readTrainerState(run.checkpointFolder(8));
            QFAIL("a step of the wrong type was accepted");
        } catch (const tb::Error &e) {
            QVERIFY2(std::string(e.what()).find("trainer_state.json") != std::string::npos, e.what());
        }
        fs::remove(run.configPath());
        try {
            run.readConfig();
            QFAIL("a run without config.json was read");
        } catch (const tb::Error &e) {
            QVERIFY2(std::string(e.what()).find("nothing to resume") != std::string::npos, e.what());
        }
    }

    // The golden run, written by an earlier version, resumes exactly: its steps 9-12 equal
    // those of the same run trained without a stop (expected_resume.json, from that version).
    void goldenRunResumesExactly()
    {
        const QString dir = copyGolden("resume");
        const auto expected = nlohmann::json::parse(tb::readTextFile((golden() + "/expected_resume.json").toStdString()));
        std::exception_ptr failure;
        tb::TrainResult result;
        std::thread worker([&] {
            try {
                result = tb::resumeTraining((dir + "/run").toStdString(), {}, nullptr,
                                            {"max_steps=12", "data=" + (dir + "/chat.jsonl").toStdString(),
                                             "run_dir=" + (dir + "/run").toStdString()});
            } catch (...) {
                failure = std::current_exception();
            }
        });
        worker.join();
        if (failure)
            std::rethrow_exception(failure);
        QCOMPARE(result.steps, int64_t(12));
        std::map<int64_t, double> losses;
        for (const tb::TrainEvent &e : tb::RunDirectory((dir + "/run").toStdString()).readMetrics())
            if (e.kind == tb::TrainEvent::Kind::Step)
                losses[e.step] = e.loss;
        for (const auto &[step, loss] : expected["losses"].items())
            QCOMPARE(losses.at(std::stoll(step)), loss.get<double>());
    }
};

TB_REGISTER_TEST(TestRunDirectory, "run_directory");
#include "tst_run_directory.moc"
