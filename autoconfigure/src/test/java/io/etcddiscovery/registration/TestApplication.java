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

package io.etcddiscovery.registration;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A minimal application that uses the starter the way a user would, for integration
 * tests.
 *
 * @author etcd-discovery authors
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {

	static ConfigurableApplicationContext run(List<String> endpoints, String service, String... properties) {
		return builder(endpoints, service, properties).run();
	}

	static SpringApplicationBuilder builder(List<String> endpoints, String service, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("spring.application.name=" + service, "discovery.etcd.endpoints=" + String.join(",", endpoints),
						"discovery.ttl=2s", "discovery.retry.initial-interval=200ms", "discovery.retry.max-interval=1s",
						"discovery.shutdown.drain-delay=0s", "discovery.etcd.request-timeout=2s",
						"discovery.host=127.0.0.1", "discovery.port=8080", "spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new));
	}

}
