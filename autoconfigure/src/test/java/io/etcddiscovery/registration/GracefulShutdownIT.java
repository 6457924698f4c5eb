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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.etcd.jetcd.KeyValue;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On graceful shutdown of a web application the key disappears before the web server
 * stops accepting requests.
 *
 * @author etcd-discovery authors
 */
class GracefulShutdownIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void keyIsGoneWhileTheServerStillAcceptsRequests() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("spring.application.name=web", "discovery.instance-id=web-1", "server.port=0",
					"server.address=127.0.0.1", "discovery.host=127.0.0.1", "server.shutdown=graceful",
					"discovery.etcd.endpoints=" + String.join(",", etcd.endpoints()),
					"discovery.shutdown.drain-delay=2s", "spring.main.banner-mode=off")
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		String key = "/services/default/web/web-1";
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		try (EtcdInspector inspector = new EtcdInspector(etcd.endpoints())) {
			await().atMost(TIMEOUT).until(() -> inspector.key(key) != null);
			assertThat(inspector.value(key)).contains("\"Addr\":\"127.0.0.1:" + port + "\"");
			Thread closer = new Thread(context::close, "test-closer");
			closer.start();
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> inspector.key(key) == null);
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(TIMEOUT).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("hello");
			closer.join(TIMEOUT.toMillis());
			assertThat(closer.isAlive()).isFalse();
			KeyValue after = inspector.key(key);
			assertThat(after).isNull();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(HelloController.class)
	static class WebApplication {

	}

	@RestController
	static class HelloController {

		@GetMapping("/")
		String hello() {
			return "hello";
		}

	}

}
