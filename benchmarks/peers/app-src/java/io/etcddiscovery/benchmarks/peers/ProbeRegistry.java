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

package io.etcddiscovery.benchmarks.peers;

import java.util.concurrent.CompletionStage;

/**
 * Registers extra instances through the variant's own registry client, the way that
 * client registers the application itself, so that the harness can time many
 * registrations and withdrawals without starting a JVM for each. One implementation per
 * variant, in that variant's module; the variant without a registry has none.
 *
 * @param <H> what a registration returns and its withdrawal takes back
 * @author etcd-discovery authors
 */
interface ProbeRegistry<H> {

	/**
	 * Build what registering an instance needs, without registering it: the part an
	 * application does before it is ready, outside the measured time.
	 * @param service the service name
	 * @param instanceId the instance id, unique in the run
	 * @param port the port the instance claims (nothing listens there)
	 * @return a handle for {@link #register} and {@link #deregister}
	 * @throws Exception if the client could not be built
	 */
	H prepare(String service, String instanceId, int port) throws Exception;

	/**
	 * Register a prepared instance and return once the registry client has taken it (it
	 * may still be on its way to the registry).
	 * @param registration the handle {@link #prepare} returned
	 * @throws Exception if the client refused
	 */
	void register(H registration) throws Exception;

	/**
	 * Withdraw an instance the way a graceful shutdown does, and release what its
	 * registration held. A client that withdraws in the background returns at once; the
	 * withdrawal counts as done when the returned stage completes.
	 * @param registration the handle {@link #prepare} returned
	 * @return completes when the instance is withdrawn and what it held released
	 * @throws Exception if the client failed
	 */
	CompletionStage<?> deregister(H registration) throws Exception;

}
