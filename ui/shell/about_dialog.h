#pragma once

#include <QDialog>

// Help → About: the version (the CMake project version, as `--version` prints it) and the
// licences of Tunebench and of the libraries it ships with, with the versions this build runs.
class AboutDialog : public QDialog {
    Q_OBJECT

public:
    explicit AboutDialog(QWidget *parent = nullptr);

    // One row of the licence table: the component, its version here, its SPDX licence.
    struct Component {
        QString name, version, licence;
    };
    static QList<Component> components();
};
