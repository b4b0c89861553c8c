// The lower subsystem of the arch.layers_catch fixture includes the upper one: arch.layers must refuse it.
#include "high.h"
#include <QString>
int low() { return high(); }
