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

package io.etcddiscovery.security;

import java.util.ArrayList;
import java.util.List;

import io.etcddiscovery.registration.InstanceLifecycle;
import io.etcddiscovery.registration.InstanceRegistrar;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application that uses the starter the way a user would, configured only through
 * properties, for the tests against a secured etcd.
 *
 * @author etcd-discovery authors
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class SecuredApplication {

	static SpringApplicationBuilder builder(List<String> endpoints, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.application.name=orders", "discovery.instance-id=orders-1",
				"discovery.etcd.endpoints=" + String.join(",", endpoints), "discovery.ttl=2s",
				"discovery.retry.initial-interval=200ms", "discovery.retry.max-interval=1s",
				"discovery.shutdown.drain-delay=0s", "discovery.host=127.0.0.1", "discovery.port=8080",
				"spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(SecuredApplication.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new));
	}

	static InstanceRegistrar registrar(ConfigurableApplicationContext context) {
		return context.getBean(InstanceLifecycle.class).getRegistrar();
	}

}
