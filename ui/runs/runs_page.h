#pragma once

#include <QThread>
#include <QWidget>

class MetricPlot;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;
class RunsWorker;

// The Runs page: every run under a folder with its status, final and best metrics, its
// curves overlaid with other runs', and resume, open-folder, delete and export actions.
class RunsPage : public QWidget {
    Q_OBJECT

public:
    explicit RunsPage(QWidget *parent = nullptr);
    ~RunsPage() override;

    void setRoot(const QString &folder);
    void refresh();
    int runCount() const;
    QString runDir(int row) const;
    void selectRuns(const QList<int> &rows);
    MetricPlot *plot() const { return m_plot; }
    // Deletes the run at `row` after asking (confirm = false skips the question, for tests).
    bool deleteRun(int row, bool confirm = true);
    void exportRun(int row, const QString &output, const QString &format);

Q_SIGNALS:
    void resumeRequested(const QString &runDir);
    void exportRequested(const QString &runDir, const QString &output, const QString &format);
    void exportFinished(const QString &output, const QString &error);

private:
    void drawCurves();
    QList<int> selectedRows() const;

    QThread m_thread;
    RunsWorker *m_worker = nullptr;
    QLineEdit *m_root = nullptr;
    QTableWidget *m_table = nullptr;
    QComboBox *m_metric = nullptr;
    MetricPlot *m_plot = nullptr;
    QLabel *m_status = nullptr;
};
