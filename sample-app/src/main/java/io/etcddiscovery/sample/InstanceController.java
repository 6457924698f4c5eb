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

package io.etcddiscovery.sample;

import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.ServiceRegistration;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Says which instance answered: the service, the instance id and the address this
 * instance published in etcd.
 *
 * @author etcd-discovery authors
 */
@RestController
class InstanceController {

	private final ObjectProvider<InstanceRegistrar> registrar;

	private final Environment environment;

	InstanceController(ObjectProvider<InstanceRegistrar> registrar, Environment environment) {
		this.registrar = registrar;
		this.environment = environment;
	}

	@GetMapping("/")
	InstanceInfo instance() {
		InstanceRegistrar registrar = this.registrar.getIfAvailable();
		ServiceRegistration registration = (registrar != null) ? registrar.getRegistration() : null;
		if (registration != null) {
			return new InstanceInfo(registration.service(), registration.instanceId(), registration.host(),
					registration.port());
		}
		// Not registered: discovery is disabled, or the application is not ready yet.
		return new InstanceInfo(this.environment.getRequiredProperty("spring.application.name"), null, null,
				this.environment.getProperty("local.server.port", Integer.class, 0));
	}

	/**
	 * What {@code GET /} returns.
	 *
	 * @param service the service name
	 * @param instanceId the instance id, or {@code null} when not registered
	 * @param host the host published in etcd, or {@code null} when not registered
	 * @param port the port published in etcd, or the local port when not registered
	 */
	record InstanceInfo(String service, @Nullable String instanceId, @Nullable String host, int port) {

	}

}
