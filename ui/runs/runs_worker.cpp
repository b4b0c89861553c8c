#include "runs_worker.h"

#include "gguf_model.h"
#include "hf_folder.h"
#include "run_checkpoint.h"

void RunsWorker::exportRun(const QString &runDir, const QString &output, const QString &format)
{
    try {
        tb::LoadedModel loaded = tb::loadCheckpoint(runDir.toStdString());
        if (format == QLatin1String("gguf"))
            tb::exportGguf(loaded.model, loaded.tokenizer.get(), output.toStdString(), "F16");
        else
            tb::exportHfFolder(loaded.model, loaded.tokenizer.get(), output.toStdString(), "F32");
        Q_EMIT exported(output, QString());
    } catch (const std::exception &e) {
        Q_EMIT exported(output, QString::fromUtf8(e.what()));
    }
}
