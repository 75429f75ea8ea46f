#ifndef KINDLING_CJAVASCRIPTCORE_SHIM_H
#define KINDLING_CJAVASCRIPTCORE_SHIM_H

#include <JavaScriptCore/JavaScript.h>

#endif
