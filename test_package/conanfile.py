# Builds a program against the asiows package (linking asiows::ssl when the
# ssl option is on) and runs it: a server and a client in one process exchange
# a message over ws://, compressed when the deflate option is on.
import os

from conan import ConanFile
from conan.tools.build import can_run
from conan.tools.cmake import CMake, cmake_layout


class AsiowsTestConan(ConanFile):
    settings = "os", "arch", "compiler", "build_type"
    generators = "CMakeDeps", "CMakeToolchain"

    def requirements(self):
        self.requires(self.tested_reference_str)

    def layout(self):
        cmake_layout(self)

    def build(self):
        cmake = CMake(self)
        cmake.configure(variables={"ASIOWS_TEST_SSL": bool(self.dependencies["asiows"].options.ssl)})
        cmake.build()

    def test(self):
        if can_run(self):
            self.run(os.path.join(self.cpp.build.bindir, "asiows_test_package"), env="conanrun")
