/// \file
/// asiows' version (SemVer), the same as the CMake project's and the Conan package's.
#ifndef ASIOWS_VERSION_HPP
#define ASIOWS_VERSION_HPP

#define ASIOWS_VERSION_MAJOR 1 ///< incremented for a change that breaks the API
#define ASIOWS_VERSION_MINOR 0 ///< incremented for additions
#define ASIOWS_VERSION_PATCH 0 ///< incremented for fixes

#endif
