// Screen-reader basics over the whole window: every input and every button a user can
// reach with Tab has a name a screen reader can say (its text, its accessible name, or a
// label that is its buddy).
#include "main_window.h"
#include "test_support.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTextEdit>
#include <QtTest/QtTest>

namespace {

QString spokenName(QWidget *w, const QList<QLabel *> &labels)
{
    if (!w->accessibleName().isEmpty())
        return w->accessibleName();
    if (auto *button = qobject_cast<QAbstractButton *>(w); button && !button->text().isEmpty())
        return button->text();
    for (QLabel *label : labels)
        if (label->buddy() == w && !label->text().isEmpty())
            return label->text();
    return {};
}

bool isInput(QWidget *w)
{
    return qobject_cast<QAbstractButton *>(w) || qobject_cast<QLineEdit *>(w) || qobject_cast<QComboBox *>(w)
           || qobject_cast<QAbstractSpinBox *>(w) || qobject_cast<QPlainTextEdit *>(w)
           || (qobject_cast<QTextEdit *>(w) && !qobject_cast<QTextEdit *>(w)->isReadOnly());
}

} // namespace

class TestAccessibility : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyInputHasAName()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        auto *tabs = window.findChild<QTabWidget *>();
        QVERIFY(tabs);
        QStringList unnamed;
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QWidget *page = tabs->widget(i);
            const QList<QLabel *> labels = page->findChildren<QLabel *>();
            for (QWidget *w : page->findChildren<QWidget *>()) {
                // Inner editors of spin boxes and combo boxes speak through their owner.
                if (!isInput(w) || qobject_cast<QAbstractSpinBox *>(w->parentWidget())
                    || qobject_cast<QComboBox *>(w->parentWidget()) || w->focusPolicy() == Qt::NoFocus)
                    continue;
                if (spokenName(w, labels).isEmpty())
                    unnamed << QStringLiteral("%1: %2 %3").arg(tabs->tabText(i), w->metaObject()->className(),
                                                               w->objectName());
            }
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QLatin1Char('\n'))));
    }
};

TB_REGISTER_TEST(TestAccessibility, "accessibility");
#include "tst_accessibility.moc"
