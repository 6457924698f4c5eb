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

import java.net.URI;
import java.util.Map;

import io.etcddiscovery.etcd.InstanceValueRules;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether what {@link ServiceInstanceReader} decoded is an instance every
 * consumer can use: the Spring Cloud {@code DiscoveryClient} and load balancer (which
 * need a {@link URI}), gRPC (which needs a socket address), the endpoint and the metrics
 * (which render every name and metadata entry as JSON). An instance is either usable
 * through all of them or skipped, so one odd value never fails a lookup or a listener.
 *
 * @author etcd-discovery authors
 * @see InstanceValueRules
 */
final class InstanceValidator {

	private InstanceValidator() {
	}

	/**
	 * Check an instance, its base URI among the rest, so that
	 * {@link DiscoveredInstance#uri()} never fails.
	 * @param service the service name, from the key
	 * @param instanceId the instance id, from the key
	 * @param host the host
	 * @param port the port
	 * @param secure whether the instance is reached over TLS
	 * @param metadata the user metadata
	 * @throws InvalidInstanceValueException naming what makes the instance unusable
	 */
	static void validate(String service, String instanceId, String host, int port, boolean secure,
			Map<String, String> metadata) {
		check(InstanceValueRules.nameProblem(service));
		check(InstanceValueRules.nameProblem(instanceId));
		check(InstanceValueRules.hostProblem(host));
		check(InstanceValueRules.portProblem(port));
		metadata.forEach((key, value) -> check(InstanceValueRules.metadataProblem(key, value)));
		try {
			InstanceValueRules.uri(host, port, secure);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInstanceValueException(String.valueOf(ex.getMessage()));
		}
	}

	private static void check(@Nullable String problem) {
		if (problem != null) {
			throw new InvalidInstanceValueException(problem);
		}
	}

}
