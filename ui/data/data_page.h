#pragma once

#include "data_worker.h"

#include <QThread>
#include <QWidget>

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QTableView;
class QTextBrowser;
class RowPreviewModel;

// The Data page: open a file (dialog or drop), its detected format with an override, a
// preview table of its rows (a model/view: smooth at 100k rows), the validation report with
// each problem leading to its row, a token-length histogram, the split settings, and one
// rendered example with its trained tokens highlighted.
class DataPage : public QWidget {
    Q_OBJECT

public:
    explicit DataPage(QWidget *parent = nullptr);
    ~DataPage() override;

    void openFile(const QString &path);
    void setTokenizer(const QString &path);
    QString path() const;
    int previewRows() const;
    int problemCount() const;
    QString detectedFormat() const { return m_detected; }
    QString exampleHtml() const;
    int histogramBins() const;
    // Selects the problem at `index` in the report, which scrolls the preview to its row.
    void showProblem(int index);
    int selectedPreviewRow() const;

Q_SIGNALS:
    void loadRequested(const DataRequest &request);
    void exampleRequested(int index);
    // The data and split the Train page should use.
    void dataChosen(const QString &path, const QString &format, const QString &validationFile, double ratio,
                    qint64 seed);
    void reportShown();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void reload();
    void onReport(const DataReport &report);
    void onFailed(const QString &message);
    void drawHistogram(const std::vector<int64_t> &train, const std::vector<int64_t> &validation);

    QThread m_thread;
    DataWorker *m_worker = nullptr;
    RowPreviewModel *m_rows = nullptr;
    QString m_detected;

    QLineEdit *m_path = nullptr;
    QComboBox *m_format = nullptr;
    QLineEdit *m_tokenizer = nullptr;
    QSpinBox *m_context = nullptr;
    QDoubleSpinBox *m_ratio = nullptr;
    QSpinBox *m_seed = nullptr;
    QLineEdit *m_validation = nullptr;
    QLabel *m_summary = nullptr;
    QTableView *m_table = nullptr;
    QListWidget *m_problems = nullptr;
    QCustomPlot *m_histogram = nullptr;
    QTextBrowser *m_example = nullptr;
    QSpinBox *m_exampleIndex = nullptr;
    QLabel *m_exampleCount = nullptr;
};
