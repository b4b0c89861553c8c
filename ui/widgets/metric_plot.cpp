#include "metric_plot.h"

#include "qcustomplot_include.h"

#include <QCheckBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextStream>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

MetricPlot::MetricPlot(const QString &title, QWidget *parent) : QWidget(parent), m_title(title)
{
    m_plot = new QCustomPlot;
    m_plot->setMinimumHeight(150);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, new QCPTextElement(m_plot, title, QFont(font().family(), 9, QFont::Bold)));
    m_plot->xAxis->setLabel(tr("step"));
    m_plot->legend->setVisible(false);
    m_plot->legend->setFont(QFont(font().family(), 8));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent *event) {
        showValueAt(event->pos());
        showLegendToolTip(event->pos(), event->globalPosition().toPoint());
    });

    m_log = new QCheckBox(tr("Log scale"));
    connect(m_log, &QCheckBox::toggled, this, &MetricPlot::setLogScale);
    m_readout = new QLabel;
    // The read-out takes the room left over: it never widens the window (three charts sit
    // side by side on the Train page).
    m_readout->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *exportButton = new QPushButton(tr("Export…"));
    exportButton->setToolTip(tr("Save this chart as PNG or its data as CSV"));
    connect(exportButton, &QPushButton::clicked, this, &MetricPlot::exportInteractively);
    auto *reset = new QPushButton(tr("Fit"));
    reset->setToolTip(tr("Show every point (after zooming or panning)"));
    connect(reset, &QPushButton::clicked, this, [this] {
        m_plot->rescaleAxes();
        m_plot->replot();
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_readout, 1);
    bar->addWidget(m_log);
    bar->addWidget(reset);
    bar->addWidget(exportButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);
    layout->addLayout(bar);
}

int MetricPlot::addSeries(const QString &name, const QColor &color, bool points, bool dashed)
{
    QCPGraph *graph = m_plot->addGraph();
    graph->setName(name);
    QPen pen(color, dashed ? 1.0 : 1.6);
    if (dashed)
        pen.setStyle(Qt::DashLine);
    graph->setPen(pen);
    if (points)
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 5));
    m_graphs << graph;
    m_toolTips << QString();
    m_plot->legend->setVisible(m_legendAlways || m_graphs.size() > 1);
    return int(m_graphs.size()) - 1;
}

void MetricPlot::setSeriesToolTip(int series, const QString &toolTip)
{
    if (series >= 0 && series < m_toolTips.size())
        m_toolTips[series] = toolTip;
}

QString MetricPlot::seriesName(int series) const
{
    return series >= 0 && series < m_graphs.size() ? m_graphs[series]->name() : QString();
}

QString MetricPlot::seriesToolTip(int series) const
{
    return m_toolTips.value(series);
}

void MetricPlot::showLegendToolTip(const QPoint &position, const QPoint &globalPosition)
{
    if (!m_plot->legend->visible())
        return;
    for (int i = 0; i < m_graphs.size(); ++i) {
        QCPPlottableLegendItem *item = m_plot->legend->itemWithPlottable(m_graphs[i]);
        if (item && !m_toolTips[i].isEmpty() && item->rect().contains(position)) {
            // Hidden again once the pointer leaves the entry.
            QToolTip::showText(globalPosition, m_toolTips[i], m_plot, item->rect());
            return;
        }
    }
}

void MetricPlot::addPoint(int series, double step, double value)
{
    if (series < 0 || series >= m_graphs.size() || !std::isfinite(value))
        return;
    m_graphs[series]->addData(step, value);
    scheduleReplot();
}

// Many steps a second arrive from the trainer: redraw at most every 100 ms.
void MetricPlot::scheduleReplot()
{
    if (m_replotPending)
        return;
    m_replotPending = true;
    QTimer::singleShot(100, this, [this] {
        m_replotPending = false;
        m_plot->rescaleAxes();
        if (isVisible())
            m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
}

void MetricPlot::clear()
{
    for (QCPGraph *g : m_graphs)
        g->data()->clear();
    m_plot->replot();
}

void MetricPlot::removeAllSeries()
{
    m_plot->clearGraphs();
    m_graphs.clear();
    m_toolTips.clear();
    m_plot->legend->setVisible(m_legendAlways);
    m_plot->replot();
}

int MetricPlot::pointCount(int series) const
{
    return series >= 0 && series < m_graphs.size() ? m_graphs[series]->data()->size() : 0;
}

double MetricPlot::lastValue(int series) const
{
    if (pointCount(series) == 0)
        return std::numeric_limits<double>::quiet_NaN();
    return (m_graphs[series]->data()->constEnd() - 1)->value;
}

void MetricPlot::setLegendAlways(bool on)
{
    m_legendAlways = on;
    m_plot->legend->setVisible(on || m_graphs.size() > 1);
}

void MetricPlot::setLogScale(bool on)
{
    m_log->setChecked(on);
    m_plot->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on)
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    else
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->replot();
}

// The nearest point of each series to the cursor's step.
void MetricPlot::showValueAt(const QPoint &position)
{
    const double step = m_plot->xAxis->pixelToCoord(position.x());
    QStringList parts;
    for (QCPGraph *g : m_graphs) {
        if (g->data()->isEmpty())
            continue;
        auto it = g->data()->findBegin(step, true);
        if (it == g->data()->constEnd())
            --it;
        parts << QStringLiteral("%1 %2 @ %3").arg(g->name()).arg(it->value, 0, 'g', 4).arg(it->key);
    }
    m_readout->setText(parts.join(QStringLiteral("   ")));
}

bool MetricPlot::exportPng(const QString &path)
{
    return m_plot->savePng(path, 0, 0, 2.0);
}

bool MetricPlot::exportCsv(const QString &path) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    QTextStream out(&file);
    out << "series,step,value\n";
    for (QCPGraph *g : m_graphs)
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            out << '"' << g->name() << "\"," << it->key << ',' << QString::number(it->value, 'g', 10) << '\n';
    return file.error() == QFile::NoError;
}

void MetricPlot::exportInteractively()
{
    QString selected;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(m_title), m_title,
                                                      tr("PNG image (*.png);;CSV data (*.csv)"), &selected);
    if (path.isEmpty())
        return;
    if (path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) || selected.contains(QLatin1String("csv")))
        exportCsv(path.endsWith(QLatin1String(".csv")) ? path : path + QStringLiteral(".csv"));
    else
        exportPng(path.endsWith(QLatin1String(".png")) ? path : path + QStringLiteral(".png"));
}
