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

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the {@code etcd} executable: the {@code ETCD_BINARY} environment variable, then
 * the {@code PATH}, then the usual install locations.
 *
 * @author etcd-discovery authors
 */
final class EtcdBinary {

	static final String ENVIRONMENT_VARIABLE = "ETCD_BINARY";

	static final String NOT_INSTALLED = "etcd is not installed: run 'scripts/install-etcd.sh' "
			+ "(installs Debian's etcd-server package) or 'sudo apt-get install etcd-server', or set "
			+ ENVIRONMENT_VARIABLE;

	private static final List<Path> WELL_KNOWN_LOCATIONS = List.of(Path.of("/usr/bin/etcd"),
			Path.of("/usr/local/bin/etcd"));

	private EtcdBinary() {
	}

	/**
	 * Locate {@code etcd} using the environment of this JVM.
	 * @return the path of the executable
	 * @throws IllegalStateException if etcd cannot be found
	 */
	static Path locate() {
		return locate(System.getenv(), WELL_KNOWN_LOCATIONS);
	}

	static Path locate(Map<String, String> environment, List<Path> wellKnownLocations) {
		String configured = environment.get(ENVIRONMENT_VARIABLE);
		if (configured != null && !configured.isBlank()) {
			Path binary = Path.of(configured.trim());
			if (!isExecutable(binary)) {
				// An explicit setting that is wrong should fail rather than silently fall
				// back to another etcd.
				throw new IllegalStateException(ENVIRONMENT_VARIABLE + " is '" + configured
						+ "', which is not an executable file. " + NOT_INSTALLED);
			}
			return binary;
		}
		List<Path> candidates = new ArrayList<>();
		String path = environment.get("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				if (!directory.isBlank()) {
					candidates.add(Path.of(directory, "etcd"));
				}
			}
		}
		candidates.addAll(wellKnownLocations);
		for (Path candidate : candidates) {
			if (isExecutable(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException(NOT_INSTALLED);
	}

	private static boolean isExecutable(Path candidate) {
		return Files.isRegularFile(candidate) && Files.isExecutable(candidate);
	}

}
