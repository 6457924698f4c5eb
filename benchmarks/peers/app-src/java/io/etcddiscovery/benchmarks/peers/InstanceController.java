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

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Says which instance answered, as the sample app's {@code GET /} does, read from Spring
 * Cloud's {@link Registration} so that it means the same with every registry.
 *
 * @author etcd-discovery authors
 */
@RestController
class InstanceController {

	private final ObjectProvider<Registration> registration;

	private final Environment environment;

	InstanceController(ObjectProvider<Registration> registration, Environment environment) {
		this.registration = registration;
		this.environment = environment;
	}

	@GetMapping("/")
	InstanceInfo instance() {
		Registration registration = this.registration.getIfAvailable();
		if (registration != null) {
			return new InstanceInfo(registration.getServiceId(), registration.getInstanceId(), registration.getHost(),
					registration.getPort());
		}
		return new InstanceInfo(this.environment.getRequiredProperty("spring.application.name"), null, null,
				this.environment.getProperty("local.server.port", Integer.class, 0));
	}

	record InstanceInfo(String service, String instanceId, String host, int port) {

	}

}
