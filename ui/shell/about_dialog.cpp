#include "about_dialog.h"

#include "qcustomplot_include.h"

#include <torch/version.h>

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtGlobal>

#ifndef TUNEBENCH_SENTENCEPIECE_VERSION
#define TUNEBENCH_SENTENCEPIECE_VERSION ""
#endif

QList<AboutDialog::Component> AboutDialog::components()
{
    // Versions known at run time where the library says (Qt), otherwise those this build was
    // compiled against (LibTorch, QCustomPlot, SentencePiece: the last two are linked in).
    return {
        {QStringLiteral("Tunebench"), QStringLiteral(TUNEBENCH_VERSION), QStringLiteral("GPL-3.0-only")},
        {QStringLiteral("Qt"), QString::fromLatin1(qVersion()), QStringLiteral("LGPL-3.0-only")},
        {QStringLiteral("LibTorch"), QStringLiteral(TORCH_VERSION), QStringLiteral("BSD-3-Clause")},
        {QStringLiteral("SentencePiece"), QStringLiteral(TUNEBENCH_SENTENCEPIECE_VERSION), QStringLiteral("Apache-2.0")},
        {QStringLiteral("QCustomPlot"), QStringLiteral(QCUSTOMPLOT_VERSION_STR), QStringLiteral("GPL-3.0-only")},
    };
}

AboutDialog::AboutDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("About Tunebench"));
    auto *layout = new QVBoxLayout(this);

    auto *title = new QLabel(QStringLiteral("<h2>Tunebench %1</h2>").arg(QStringLiteral(TUNEBENCH_VERSION)));
    title->setObjectName(QStringLiteral("aboutTitle"));
    layout->addWidget(title);
    auto *summary = new QLabel(tr("Fine-tune and chat with Llama-family models on your own computer."));
    summary->setWordWrap(true);
    layout->addWidget(summary);
    auto *licence = new QLabel(tr("Tunebench is free software under the GNU General Public License, version 3. It "
                                  "comes with ABSOLUTELY NO WARRANTY. It is built on these components:"));
    licence->setWordWrap(true);
    layout->addWidget(licence);

    const QList<Component> rows = components();
    auto *table = new QTableWidget(int(rows.size()), 3);
    table->setObjectName(QStringLiteral("licences"));
    table->setHorizontalHeaderLabels({tr("Component"), tr("Version"), tr("Licence")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    for (int i = 0; i < rows.size(); ++i) {
        table->setItem(i, 0, new QTableWidgetItem(rows[i].name));
        table->setItem(i, 1, new QTableWidgetItem(rows[i].version.isEmpty() ? tr("unknown") : rows[i].version));
        table->setItem(i, 2, new QTableWidgetItem(rows[i].licence));
    }
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table->resizeRowsToContents();
    // Tall enough for every row without a scroll bar.
    int height = table->horizontalHeader()->sizeHint().height() + 2 * table->frameWidth();
    for (int i = 0; i < table->rowCount(); ++i)
        height += table->rowHeight(i);
    table->setMinimumHeight(height);
    layout->addWidget(table);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
}
