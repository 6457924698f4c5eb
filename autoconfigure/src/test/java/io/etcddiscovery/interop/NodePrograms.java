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

package io.etcddiscovery.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Node.js program of {@code interop/node/} ({@code registry.js}, on npm's
 * {@code etcd3} package), installed by {@code scripts/install-node.sh}. A missing Node.js
 * or a missing {@code etcd3} fails with the command that installs them.
 *
 * @author etcd-discovery authors
 */
final class NodePrograms {

	private static final String INSTALL_HINT = "The Node.js interoperability tests run interop/node/registry.js "
			+ "with npm's etcd3 package: run scripts/install-node.sh (it installs Debian's nodejs and npm "
			+ "and runs 'npm ci' in interop/node).";

	private static final Path NODE = Path.of("/usr/bin/node");

	private NodePrograms() {
	}

	/**
	 * Start {@code registry.js} with the given arguments.
	 * @param arguments its arguments (a command and what it takes)
	 * @return the process
	 */
	static InteropProcess registry(String... arguments) {
		Path dir = GoPrograms.repository().resolve("interop/node");
		if (!Files.isExecutable(NODE)) {
			throw new IllegalStateException("Node.js is missing (" + NODE + "). " + INSTALL_HINT);
		}
		if (!Files.isRegularFile(dir.resolve("node_modules/etcd3/package.json"))) {
			throw new IllegalStateException(
					"npm's etcd3 package is missing from " + dir.resolve("node_modules") + ". " + INSTALL_HINT);
		}
		List<String> all = new ArrayList<>(List.of(dir.resolve("registry.js").toString()));
		all.addAll(List.of(arguments));
		return InteropProcess.start(NODE, all.toArray(String[]::new));
	}

}
