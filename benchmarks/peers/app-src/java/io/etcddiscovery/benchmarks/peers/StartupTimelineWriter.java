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

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.metrics.StartupStep;
import org.springframework.stereotype.Component;

/**
 * Writes Spring's start-up steps, recorded when {@code -Dbench.timeline=FILE} is set (see
 * {@link PeerApplication}), to FILE once the application is ready: one tab-separated line
 * per step (id, parent id, name, start offset from the JVM's start in µs, duration in µs,
 * tags as {@code key=value;…}), for the harness's start-up breakdown.
 *
 * @author etcd-discovery authors
 */
@Component
class StartupTimelineWriter {

	static final String PROPERTY = "bench.timeline";

	static final int CAPACITY = 20_000;

	@EventListener
	void onReady(ApplicationReadyEvent event) {
		String file = System.getProperty(PROPERTY);
		if (file == null
				|| !(event.getApplicationContext().getApplicationStartup() instanceof BufferingApplicationStartup startup)) {
			return;
		}
		long jvmStartMicros = ManagementFactory.getRuntimeMXBean().getStartTime() * 1000;
		List<String> lines = new ArrayList<>();
		for (TimelineEvent step : startup.getBufferedTimeline().getEvents()) {
			StringBuilder tags = new StringBuilder();
			for (StartupStep.Tag tag : step.getStartupStep().getTags()) {
				tags.append((tags.length() > 0) ? ";" : "").append(tag.getKey()).append('=').append(tag.getValue());
			}
			long startMicros = step.getStartTime().getEpochSecond() * 1_000_000 + step.getStartTime().getNano() / 1000;
			Long parent = step.getStartupStep().getParentId();
			lines.add(step.getStartupStep().getId() + "\t" + ((parent != null) ? parent : "") + "\t"
					+ step.getStartupStep().getName() + "\t" + (startMicros - jvmStartMicros) + "\t"
					+ Duration.between(step.getStartTime(), step.getEndTime()).toNanos() / 1000 + "\t" + tags);
		}
		try {
			Files.write(Path.of(file), lines, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
