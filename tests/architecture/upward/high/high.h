#pragma once
// A header of the upper subsystem of the arch.layers_catch fixture.
int high();
