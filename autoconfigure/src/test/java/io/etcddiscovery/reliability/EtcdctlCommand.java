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

package io.etcddiscovery.reliability;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds etcdctl, which scripts/install-etcd.sh installs next to etcd.
 *
 * @author etcd-discovery authors
 */
final class EtcdctlCommand {

	private EtcdctlCommand() {
	}

	static String locate() {
		String path = System.getenv("PATH");
		for (String directory : (path != null) ? path.split(File.pathSeparator) : new String[0]) {
			Path candidate = Path.of(directory, "etcdctl");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new IllegalStateException(
				"etcdctl is not installed: run 'scripts/install-etcd.sh' (installs Debian's etcd-client), "
						+ "or put etcdctl on the PATH");
	}

}
