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

import java.time.Duration;
import java.util.Map;

import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Calls another service by name through the load-balanced {@link RestClient}, as the
 * sample app does.
 *
 * @author etcd-discovery authors
 */
@RestController
class CallController {

	static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private final RestClient restClient;

	CallController(@LoadBalanced RestClient.Builder restClientBuilder) {
		this.restClient = restClientBuilder.build();
	}

	@GetMapping("/call/{service}")
	Map<String, Object> call(@PathVariable String service) {
		return this.restClient.get().uri("http://{service}/", service).retrieve().body(JSON);
	}

	@Configuration(proxyBeanMethods = false)
	static class LoadBalancedClientConfiguration {

		// The same HTTP client whatever the registry brings on the classpath (the Eureka
		// client brings Apache HttpClient, which RestClient would otherwise prefer), with a
		// read timeout so that a call to a vanished instance fails instead of hanging.
		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder().requestFactory(requestFactory());
		}

		// Spring Boot's own RestClient.Builder backs off when the application defines one, and
		// the Eureka client then calls its server through the load-balanced builder above
		// ("No instances available for 127.0.0.1"). A plain primary builder for everything that
		// does not ask for @LoadBalanced keeps the variants alike.
		@Bean
		@Primary
		RestClient.Builder restClientBuilder() {
			return RestClient.builder();
		}

		private static JdkClientHttpRequestFactory requestFactory() {
			JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory();
			requestFactory.setReadTimeout(Duration.ofSeconds(5));
			return requestFactory;
		}

	}

}
