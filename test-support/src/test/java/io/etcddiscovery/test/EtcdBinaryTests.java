/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link EtcdBinary}.
 *
 * @author etcd-discovery authors
 */
class EtcdBinaryTests {

	@TempDir
	Path temp;

	@Test
	void prefersEtcdBinaryVariable() throws IOException {
		Path configured = executable("configured/etcd");
		executable("path/etcd");
		Map<String, String> environment = Map.of("ETCD_BINARY", configured.toString(), "PATH",
				this.temp.resolve("path").toString());
		assertThat(EtcdBinary.locate(environment, List.of())).isEqualTo(configured);
	}

	@Test
	void failsWhenEtcdBinaryVariableIsNotAnExecutable() {
		Path missing = this.temp.resolve("missing/etcd");
		assertThatIllegalStateException()
			.isThrownBy(() -> EtcdBinary.locate(Map.of("ETCD_BINARY", missing.toString()), List.of()))
			.withMessageContaining("ETCD_BINARY is '" + missing + "', which is not an executable file")
			.withMessageContaining(EtcdBinary.NOT_INSTALLED);
	}

	@Test
	void searchesPathInOrder() throws IOException {
		Files.createDirectories(this.temp.resolve("empty"));
		Path second = executable("second/etcd");
		executable("third/etcd");
		String path = String.join(":", this.temp.resolve("empty").toString(), this.temp.resolve("second").toString(),
				this.temp.resolve("third").toString());
		assertThat(EtcdBinary.locate(Map.of("PATH", path), List.of())).isEqualTo(second);
	}

	@Test
	void skipsFilesThatAreNotExecutable() throws IOException {
		Path notExecutable = this.temp.resolve("plain/etcd");
		Files.createDirectories(notExecutable.getParent());
		Files.createFile(notExecutable);
		Path wellKnown = executable("usr/bin/etcd");
		Map<String, String> environment = Map.of("PATH", notExecutable.getParent().toString());
		assertThat(EtcdBinary.locate(environment, List.of(wellKnown))).isEqualTo(wellKnown);
	}

	@Test
	void fallsBackToWellKnownLocations() throws IOException {
		Path wellKnown = executable("usr/local/bin/etcd");
		assertThat(EtcdBinary.locate(Map.of(), List.of(this.temp.resolve("usr/bin/etcd"), wellKnown)))
			.isEqualTo(wellKnown);
	}

	@Test
	void failsWithInstallInstructionsWhenEtcdIsMissing() {
		assertThatIllegalStateException()
			.isThrownBy(() -> EtcdBinary.locate(Map.of("PATH", this.temp.toString()),
					List.of(this.temp.resolve("usr/bin/etcd"))))
			.withMessage("etcd is not installed: run 'scripts/install-etcd.sh' (installs Debian's etcd-server "
					+ "package) or 'sudo apt-get install etcd-server', or set ETCD_BINARY");
	}

	private Path executable(String relativePath) throws IOException {
		Path file = this.temp.resolve(relativePath);
		Files.createDirectories(file.getParent());
		Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		return file;
	}

}
