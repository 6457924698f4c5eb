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

package io.etcddiscovery.discovery;

import java.time.Instant;
import java.util.List;

/**
 * What the protection against mass removal ({@link RemovalProtection}) of a
 * {@link ServiceCache} holds, for endpoints and metrics.
 *
 * @param enabled whether the protection is on
 * @param holds the services whose instances are held now, by service name
 * @param activations how many times the protection tripped since start
 * @param released how many held instances were dropped since start because the hold ended
 * without them coming back
 * @author etcd-discovery authors
 */
public record ProtectionStats(boolean enabled, List<Hold> holds, long activations, long released) {

	public ProtectionStats {
		holds = List.copyOf(holds);
	}

	/**
	 * Return how many instances are held now.
	 * @return the number of held instances
	 */
	public int heldInstances() {
		return this.holds.stream().mapToInt((hold) -> hold.instances().size()).sum();
	}

	/**
	 * The instances of one service held by the protection.
	 *
	 * @param service the service
	 * @param since when the protection tripped
	 * @param until when the hold ends at the latest
	 * @param lost how many UP instances had vanished within the window when it tripped
	 * @param up how many were left UP when it tripped
	 * @param instances the instances held now, last known values, ordered by instance id
	 */
	public record Hold(String service, Instant since, Instant until, int lost, int up,
			List<DiscoveredInstance> instances) {

		public Hold {
			instances = List.copyOf(instances);
		}

	}

}
