#pragma once

#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCheckBox;
class QLabel;

// One live chart of training metrics against the step: several named series, zoom and pan
// with the mouse, an optional log scale, a read-out of the point under the cursor, and
// export to PNG and CSV. New points only replot when the widget is visible.
class MetricPlot : public QWidget {
    Q_OBJECT

public:
    explicit MetricPlot(const QString &title, QWidget *parent = nullptr);

    // Adds a series; `dashed` for smoothed or secondary lines, `points` for sparse
    // evaluations (drawn as markers joined by a line).
    int addSeries(const QString &name, const QColor &color, bool points = false, bool dashed = false);
    // What hovering the series' legend entry shows (e.g. the metric's key in files).
    void setSeriesToolTip(int series, const QString &toolTip);
    QString seriesName(int series) const;
    QString seriesToolTip(int series) const;
    int seriesCount() const { return int(m_graphs.size()); }
    void addPoint(int series, double step, double value);
    void clear();
    void removeAllSeries();
    int pointCount(int series) const;
    double lastValue(int series) const;

    bool exportPng(const QString &path);
    bool exportCsv(const QString &path) const;
    void setLogScale(bool on);
    void setLegendAlways(bool on);

private:
    void showValueAt(const QPoint &position);
    void showLegendToolTip(const QPoint &position, const QPoint &globalPosition);
    void exportInteractively();
    void scheduleReplot();

    QString m_title;
    QCustomPlot *m_plot = nullptr;
    QCheckBox *m_log = nullptr;
    QLabel *m_readout = nullptr;
    QList<QCPGraph *> m_graphs;
    QStringList m_toolTips; // one per graph
    bool m_replotPending = false;
    bool m_legendAlways = false;
};
