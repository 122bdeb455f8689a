// The consumer built with ASIOWS_SEPARATE_COMPILATION: its one unit that compiles the endpoints.
#include <asiows/src.hpp>
